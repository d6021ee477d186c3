"""`lienthong directory serve`, `admins …` and `config fetch`: the directory as a service and
a node's first fetch. Thin wrappers: the logic is in ``lienthong.directory``."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from lienthong._i18n import say
from lienthong.cli._logs import LogFormat, LogFormatOption, setup_logging
from lienthong.cli._modes import AllowInsecureModes
from lienthong.directory import (
    AdminFile,
    ConfigurationAnchor,
    ConfigurationRefused,
    Scope,
    fetch_configuration,
    parse_scopes,
    reopen_configuration,
)
from lienthong.directory._files import write_atomically
from lienthong.net import client_context
from lienthong.server import DirectoryService, DirectorySettings
from lienthong.store import DEFAULT_URL
from lienthong.trust import check_private, private_files

admins = typer.Typer(help="Quản trị viên của API quản trị và mã truy cập của họ.", no_args_is_help=True)

_Home = Annotated[
    Path,
    typer.Option(
        "--home", envvar="LIENTHONG_DIRECTORY_HOME", file_okay=False, help="Thư mục của trung tâm danh bạ."
    ),
]


def _file(option: str, help_text: str, *, envvar: str | None = None) -> Any:
    """An option naming an existing file."""
    return typer.Option(option, envvar=envvar, exists=True, dir_okay=False, help=help_text)


def serve(
    key: Annotated[Path, _file("--key", "Khoá ký cấu hình (PEM).", envvar="LIENTHONG_DIRECTORY_KEY")],
    cert: Annotated[Path, _file("--cert", "Chứng thư của khoá ký (PEM).", envvar="LIENTHONG_DIRECTORY_CERT")],
    tls_cert: Annotated[Path, _file("--tls-cert", "Chuỗi chứng thư TLS của máy chủ (PEM).")],
    tls_key: Annotated[Path, _file("--tls-key", "Khoá TLS (PEM).")],
    client_anchors: Annotated[
        Path | None, _file("--client-anchors", "CA gốc kiểm tra chứng thư máy khách (nếu máy khách gửi).")
    ] = None,
    db: Annotated[
        str, typer.Option("--db", envvar="LIENTHONG_DIRECTORY_DB", help="Cơ sở dữ liệu.")
    ] = DEFAULT_URL,
    home: _Home = Path(),
    name: Annotated[str, typer.Option("--name", help="Tên mạng.")] = "lienthong",
    valid_hours: Annotated[float, typer.Option("--valid-hours", help="Thời hạn cấu hình, giờ.")] = 72.0,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Cổng (0: cổng trống bất kỳ).")] = 0,
    log_format: LogFormatOption = LogFormat.TEXT,
    allow_insecure_modes: AllowInsecureModes = False,
) -> None:
    """Phục vụ cấu hình mạng (GET /v1/config) và API quản trị (/v1/admin/…) qua HTTPS."""
    setup_logging(log_format, level=logging.WARNING)
    settings = DirectorySettings(
        database_url=db,
        home=home,
        signing_key=key,
        signing_certificate=cert,
        tls_certificate=tls_cert,
        tls_key=tls_key,
        client_anchors=client_anchors,
        directory=name,
        valid_for=timedelta(hours=valid_hours),
        host=host,
        port=port,
    )

    def listening(url: str) -> None:
        typer.echo(say("cli-directory-serving", url=url))

    async def run(service: DirectoryService) -> None:
        shutdown = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, shutdown.set)
        await service.serve(on_listening=listening, shutdown=shutdown)

    if not allow_insecure_modes:
        check_private(settings.secret_paths())
    # For good: the database's log and what else the directory writes are its owner's only.
    with private_files(), DirectoryService(settings) as service:
        asyncio.run(run(service))
    typer.echo(say("cli-stopped"))


@admins.command("add")
def admins_add(
    name: Annotated[str, typer.Argument(help="Tên quản trị viên (ghi vào nhật ký thay đổi).")],
    scope: Annotated[
        list[str], typer.Option("--scope", help=f"Quyền, lặp lại được: {', '.join(s.value for s in Scope)}.")
    ],
    home: _Home = Path(),
) -> None:
    """Thêm quản trị viên; in mã truy cập một lần duy nhất (chỉ lưu giá trị băm có muối)."""
    admin, token = AdminFile.in_home(home).add(name, parse_scopes(scope), at=datetime.now(UTC))
    typer.echo(token)
    typer.echo(say("cli-directory-admin-added", name=admin.name), err=True)


@admins.command("list")
def admins_list(home: _Home = Path()) -> None:
    """Các quản trị viên và quyền của họ."""
    for admin in AdminFile.in_home(home).admins():
        scopes = " ".join(sorted(scope.value for scope in admin.scopes))
        typer.echo(f"{admin.name}  {scopes}  {admin.created_at.isoformat()}")


@admins.command("remove")
def admins_remove(
    name: Annotated[str, typer.Argument(help="Tên quản trị viên.")], home: _Home = Path()
) -> None:
    """Xoá một quản trị viên: mã truy cập của họ hết dùng được ngay."""
    AdminFile.in_home(home).remove(name)
    typer.echo(say("cli-removed", name=name))


def config_fetch(
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp cấu hình sẽ ghi.")],
    anchor: Annotated[Path, _file("--anchor", "Neo tin cậy: chứng thư PEM hoặc tệp JSON (kèm địa chỉ).")],
    tls_anchors: Annotated[Path, _file("--tls-anchors", "CA gốc của chứng thư TLS trung tâm danh bạ (PEM).")],
    url: Annotated[str | None, typer.Argument(help="Địa chỉ trung tâm danh bạ (mặc định: theo neo).")] = None,
    tls_cert: Annotated[Path | None, _file("--tls-cert", "Chứng thư TLS của điểm kết nối (nếu có).")] = None,
    tls_key: Annotated[Path | None, _file("--tls-key", "Khoá TLS của điểm kết nối.")] = None,
) -> None:
    """Tải cấu hình mạng qua HTTPS, kiểm tra (chữ ký, trung tâm, hạn, không quay lui) rồi lưu."""
    trusted = ConfigurationAnchor.load(anchor)
    target = url or trusted.url
    if not target:
        raise typer.BadParameter(say("cli-directory-url-needed"))
    current = None
    if output.exists():  # a configuration saved before: never go back below its version
        try:
            current = reopen_configuration(output.read_bytes(), trusted)
        except ConfigurationRefused:
            current = None
    context = client_context(anchors=tls_anchors, certificate=tls_cert, key=tls_key)
    configuration = fetch_configuration(target, trusted, tls=context, at=datetime.now(UTC), current=current)
    write_atomically(output, configuration.documents[0])
    typer.echo(say("cli-directory-config-saved", path=output, summary=configuration.summary()))
