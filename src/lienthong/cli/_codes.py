"""`lienthong codes ...`: identifier codes."""

from __future__ import annotations

import typer

app = typer.Typer(help="Mã định danh cơ quan (DDD.DD.DD.LDD).", no_args_is_help=True)
