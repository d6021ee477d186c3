"""`lienthong edxml ...`: read, check, show and build edXML packages."""

from __future__ import annotations

import typer

app = typer.Typer(help="Gói tin edXML (QCVN 102:2016).", no_args_is_help=True)
