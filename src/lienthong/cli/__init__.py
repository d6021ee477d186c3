"""The ``lienthong`` command. Commands are thin wrappers: the logic lives in the packages below."""

from lienthong.cli._app import app, main

__all__ = ["app", "main"]
