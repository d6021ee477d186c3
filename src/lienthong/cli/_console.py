"""`lienthong node users …`: the agency console's local users (``HOME/console-users.json``).
Thin wrappers: the logic is in ``lienthong.console``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.cli._help import Typer
from lienthong.console import Role, UserError, UserFile

app = Typer(help=say("help-console"), no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-console-home"))]


@app.command("add", help=say("help-console-add"))
def add(
    name: str,
    home: _Home,
    role: Annotated[list[Role], typer.Option("--role", help=say("help-console-role"))],
    codes: Annotated[list[str], typer.Option("--codes", help=say("help-console-codes"))],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            envvar="LIENTHONG_CONSOLE_PASSWORD",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help=say("help-console-password"),
        ),
    ],
) -> None:
    """Add a user (or reset their password, role, codes)."""
    try:
        user = UserFile.in_home(home).add(name, password, roles=role, codes=codes)
    except UserError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{user.name}\t{' '.join(sorted(r.value for r in user.roles))}\t{' '.join(user.codes)}")


@app.command("list", help=say("help-console-list"))
def list_users(home: _Home) -> None:
    """List users, their roles and codes."""
    for user in UserFile.in_home(home).users():
        typer.echo(f"{user.name}\t{' '.join(sorted(r.value for r in user.roles))}\t{' '.join(user.codes)}")


@app.command("remove", help=say("help-console-remove"))
def remove(name: str, home: _Home) -> None:
    """Remove a user (their open sessions end at once)."""
    if not UserFile.in_home(home).remove(name):
        typer.echo(say("cli-console-user-unknown", name=name), err=True)
        raise typer.Exit(1)
