"""`lienthong node users …`: the agency console's local users (``HOME/console-users.json``).
Thin wrappers: the logic is in ``lienthong.console``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.console import Role, UserError, UserFile

app = typer.Typer(help="Người dùng của giao diện văn thư (console).", no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help="Thư mục điểm kết nối.")]


@app.command("add")
def add(
    name: str,
    home: _Home,
    role: Annotated[
        list[Role], typer.Option("--role", help="clerk (văn thư), leader (lãnh đạo), administrator.")
    ],
    codes: Annotated[list[str], typer.Option("--codes", help="Mã định danh người dùng làm việc cho.")],
    password: Annotated[
        str,
        typer.Option(
            "--password",
            envvar="LIENTHONG_CONSOLE_PASSWORD",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="Mật khẩu (hỏi khi không nêu).",
        ),
    ],
) -> None:
    """Thêm người dùng (hoặc đặt lại mật khẩu, vai trò, mã)."""
    try:
        user = UserFile.in_home(home).add(name, password, roles=role, codes=codes)
    except UserError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{user.name}\t{' '.join(sorted(r.value for r in user.roles))}\t{' '.join(user.codes)}")


@app.command("list")
def list_users(home: _Home) -> None:
    """Liệt kê người dùng, vai trò và mã."""
    for user in UserFile.in_home(home).users():
        typer.echo(f"{user.name}\t{' '.join(sorted(r.value for r in user.roles))}\t{' '.join(user.codes)}")


@app.command("remove")
def remove(name: str, home: _Home) -> None:
    """Xóa một người dùng (các phiên đang mở của họ kết thúc ngay)."""
    if not UserFile.in_home(home).remove(name):
        typer.echo(say("cli-console-user-unknown", name=name), err=True)
        raise typer.Exit(1)
