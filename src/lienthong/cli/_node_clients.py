"""`lienthong node clients …`: credentials of the document-management software calling a node.
Thin wrappers: the logic is in ``lienthong.api``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.api import add_client, check_webhook_url, register_webhook, remove_client
from lienthong.node import NodeHome
from lienthong.store import ApiStore, migrate

app = typer.Typer(help="Ứng dụng (REST, VXP) được gọi API của điểm kết nối.", no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help="Thư mục điểm kết nối.")]


@app.command("add")
def add(
    name: str,
    codes: Annotated[list[str], typer.Option("--codes", help="Mã định danh ứng dụng được thay mặt.")],
    home: _Home,
    vxp: Annotated[str | None, typer.Option("--vxp", help="Tạo hệ thống VXP với systemid này.")] = None,
    vxp_timezone: Annotated[
        str | None,
        typer.Option(
            "--vxp-timezone",
            help="Múi giờ đồng hồ của hệ thống VXP (Asia/Ho_Chi_Minh, UTC, +07:00); "
            "mặc định chấp nhận cả giờ Việt Nam và UTC.",
        ),
    ] = None,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="URL nhận sự kiện (POST JSON, ký HMAC-SHA256).")
    ] = None,
) -> None:
    """Tạo ứng dụng và in mã truy cập (hoặc systemid và secret) — chỉ hiện một lần."""
    database = NodeHome.load(home).open_database()
    hook = None
    try:
        migrate(database)
        if webhook is not None:
            # The operator registers it: any address is theirs to choose (``serve`` decides delivery).
            check_webhook_url(webhook, allow_private=True)  # refused before anything is created
        issued = add_client(
            database, name, codes=codes, at=datetime.now(UTC), vxp_systemid=vxp, vxp_timezone=vxp_timezone
        )
        if webhook is not None:
            hook = register_webhook(database, name, webhook, at=datetime.now(UTC), allow_private=True)
    finally:
        database.close()
    if issued.token is not None:
        typer.echo(f"token: {issued.token}")
    else:
        typer.echo(f"systemid: {issued.systemid}\nsecret: {issued.secret}")
        if issued.vxp_timezone is not None:
            typer.echo(say("cli-clients-time-zone", zone=issued.vxp_timezone))
    typer.echo(say("cli-clients-codes", codes=" ".join(issued.codes)))
    if hook is not None:
        typer.echo(f"webhook: {hook.url}\nwebhook secret: {hook.secret}")


@app.command("list")
def list_clients(home: _Home) -> None:
    """Liệt kê ứng dụng, mã được phép và múi giờ VXP được ghim (nếu có)."""
    database = NodeHome.load(home).open_database()
    try:
        with ApiStore.begin(database) as store:
            for client in store.clients():
                typer.echo(
                    f"{client.name}\t{client.kind.value}\t{client.systemid or ''}\t{' '.join(client.codes)}"
                    f"\t{client.vxp_timezone or ''}"
                )
    finally:
        database.close()


@app.command("remove")
def remove(name: str, home: _Home) -> None:
    """Xóa một ứng dụng (điểm kết nối đang chạy từ chối mã truy cập của nó sau tối đa 5 giây)."""
    database = NodeHome.load(home).open_database()
    try:
        removed = remove_client(database, name)
    finally:
        database.close()
    if not removed:
        typer.echo(say("cli-clients-unknown", name=name), err=True)
        raise typer.Exit(1)
