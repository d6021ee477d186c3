"""`lienthong node users …`: the agency console's local users (``HOME/console-users.json``).
Thin wrappers: the logic is in ``lienthong.console``.

Every change is an entry of the node's audit log, by ``cli:<system user>`` (``_audit``), as a
change made in the console is by its user; without the node's database, nothing changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.cli._audit import audited, record
from lienthong.cli._help import Typer
from lienthong.console import ConsoleUser, Role, UserError, UserFile

app = Typer(help=say("help-console"), no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-console-home"))]
_Password = Annotated[
    str,
    typer.Option(
        "--password",
        envvar="LIENTHONG_CONSOLE_PASSWORD",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help=say("help-console-password"),
    ),
]


def _fail(exc: UserError) -> typer.Exit:
    typer.echo(str(exc), err=True)
    return typer.Exit(1)


def _line(user: ConsoleUser) -> str:
    state = "disabled" if user.disabled else "enabled"
    roles = " ".join(sorted(r.value for r in user.roles))
    return f"{user.name}\t{roles}\t{' '.join(user.codes)}\t{state}\t{user.full_name}\t{user.position}"


def _roles(user: ConsoleUser) -> str:
    return " ".join(sorted(r.value for r in user.roles))


@app.command("add", help=say("help-console-add"))
def add(
    name: str,
    home: _Home,
    role: Annotated[list[Role], typer.Option("--role", help=say("help-console-role"))],
    codes: Annotated[list[str], typer.Option("--codes", help=say("help-console-codes"))],
    password: _Password,
    full_name: Annotated[str | None, typer.Option("--full-name", help=say("help-console-full-name"))] = None,
    position: Annotated[str | None, typer.Option("--position", help=say("help-console-position"))] = None,
) -> None:
    """Add a user (or reset their password, role, codes)."""
    users = UserFile.in_home(home)
    with audited(home) as database:
        try:
            user = users.add(name, password, roles=role, codes=codes, full_name=full_name, position=position)
        except UserError as exc:
            raise _fail(exc) from exc
        record(database, "user-added", user.name, roles=_roles(user), codes=" ".join(user.codes))
    typer.echo(_line(user))


@app.command("list", help=say("help-console-list"))
def list_users(home: _Home) -> None:
    """List users: name, roles, codes, enabled or disabled, full name, position."""
    for user in UserFile.in_home(home).users():
        typer.echo(_line(user))


def _change(
    home: Path, name: str, action: str, *, disabled: bool | None = None, password: str | None = None
) -> None:
    users = UserFile.in_home(home)
    with audited(home) as database:
        if users.user(name) is None:
            typer.echo(say("cli-console-user-unknown", name=name), err=True)
            raise typer.Exit(1)
        try:
            user = users.change(name, disabled=disabled, password=password)
        except UserError as exc:
            raise _fail(exc) from exc
        record(database, action, user.name)
    typer.echo(_line(user))


@app.command("disable", help=say("help-console-disable"))
def disable(name: str, home: _Home) -> None:
    """Disable a user: they cannot log in, their open sessions end at once."""
    _change(home, name, "user-disabled", disabled=True)


@app.command("enable", help=say("help-console-enable"))
def enable(name: str, home: _Home) -> None:
    """Let a disabled user log in again."""
    _change(home, name, "user-enabled", disabled=False)


@app.command("reset", help=say("help-console-reset"))
def reset(name: str, home: _Home, password: _Password) -> None:
    """Give a user a new password (their open sessions end)."""
    _change(home, name, "user-password-reset", password=password)


@app.command("remove", help=say("help-console-remove"))
def remove(name: str, home: _Home) -> None:
    """Remove a user (their open sessions end at once)."""
    with audited(home) as database:
        if not UserFile.in_home(home).remove(name):
            typer.echo(say("cli-console-user-unknown", name=name), err=True)
            raise typer.Exit(1)
        record(database, "user-removed", name)
