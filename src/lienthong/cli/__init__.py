"""The ``lienthong`` command. Commands are thin wrappers: the logic lives in the packages below.

Help texts are rendered in the user's language when the command modules are imported, so
:func:`main` chooses the language first (``--lang`` before the command, else
``LIENTHONG_LANG``) and imports them after; ``app`` is imported on first use.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lienthong._i18n import Language, language_named, set_language

if TYPE_CHECKING:
    from lienthong.cli._help import Typer

    app: Typer

__all__ = ["app", "main", "requested_language"]


def requested_language(argv: Sequence[str], environ: Mapping[str, str]) -> Language:
    """The language a command line asks for: the root's ``--lang X`` / ``--lang=X`` (the options
    before the command), else ``LIENTHONG_LANG``, else Vietnamese."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            return language_named(next(words, None))
        if word.startswith("--lang="):
            return language_named(word.partition("=")[2])
        if word == "--" or not word.startswith("-"):
            break
    return language_named(environ.get("LIENTHONG_LANG"))


def _commands() -> Any:
    """The command modules, imported on first use: their help texts need the language first."""
    return importlib.import_module("lienthong.cli._app")


def main() -> None:
    """Entry point of the ``lienthong`` command."""
    set_language(requested_language(sys.argv[1:], os.environ))
    _commands().main()


def __getattr__(name: str) -> Any:
    if name == "app":
        return _commands().app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
