"""Fixtures of the whole suite: the test PKIs (``support.pki``)."""

pytest_plugins = ["support.pki"]
