"""Fixtures of the whole suite: the test PKIs (``support.pki``) and a PKCS#11 token (``support.softhsm``)."""

pytest_plugins = ["support.pki", "support.softhsm"]
