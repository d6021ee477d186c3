"""The ``--allow-insecure-modes`` option of ``node serve`` and ``directory serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from lienthong._i18n import say

AllowInsecureModes = Annotated[
    bool,
    typer.Option(
        "--allow-insecure-modes",
        help=(say("help-modes-allow-insecure-modes")),
    ),
]
