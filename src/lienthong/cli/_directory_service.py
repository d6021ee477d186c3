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
from lienthong.cli._help import Typer
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
from lienthong.trust import check_private, is_pkcs11_uri, private_files

admins = Typer(help=say("help-directory-service-admins"), no_args_is_help=True)

Home = Annotated[
    Path,
    typer.Option(
        "--home", envvar="LIENTHONG_DIRECTORY_HOME", file_okay=False, help=say("help-directory-service-home")
    ),
]


def _file(option: str, help_text: str, *, envvar: str | None = None) -> Any:
    """An option naming an existing file."""
    return typer.Option(option, envvar=envvar, exists=True, dir_okay=False, help=help_text)


def serve(
    key: Annotated[
        str, typer.Option("--key", envvar="LIENTHONG_DIRECTORY_KEY", help=say("help-directory-service-key"))
    ],
    cert: Annotated[
        Path, _file("--cert", say("help-directory-service-cert"), envvar="LIENTHONG_DIRECTORY_CERT")
    ],
    tls_cert: Annotated[Path, _file("--tls-cert", say("help-directory-service-tls-cert"))],
    tls_key: Annotated[Path, _file("--tls-key", say("help-directory-service-tls-key"))],
    client_anchors: Annotated[
        Path | None, _file("--client-anchors", say("help-directory-service-client-anchors"))
    ] = None,
    db: Annotated[
        str, typer.Option("--db", envvar="LIENTHONG_DIRECTORY_DB", help=say("help-directory-service-db"))
    ] = DEFAULT_URL,
    home: Home = Path(),
    name: Annotated[str, typer.Option("--name", help=say("help-directory-service-name"))] = "lienthong",
    valid_hours: Annotated[
        float, typer.Option("--valid-hours", help=say("help-directory-service-valid-hours"))
    ] = 72.0,
    host: Annotated[str, typer.Option("--host", help=say("help-directory-service-host"))] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help=say("help-directory-service-port"))
    ] = 0,
    tsa_url: Annotated[
        str | None,
        typer.Option("--tsa-url", envvar="LIENTHONG_TSA_URL", help=say("help-directory-service-tsa-url")),
    ] = None,
    log_format: LogFormatOption = LogFormat.TEXT,
    allow_insecure_modes: AllowInsecureModes = False,
) -> None:
    """Serve the network configuration (GET /v1/config) and the admin API (/v1/admin/…) over HTTPS."""
    setup_logging(log_format, level=logging.WARNING)
    settings = DirectorySettings(
        database_url=db,
        home=home,
        signing_key=key if is_pkcs11_uri(key) else Path(key),  # a token key is named, not a file
        signing_certificate=cert,
        tls_certificate=tls_cert,
        tls_key=tls_key,
        client_anchors=client_anchors,
        directory=name,
        valid_for=timedelta(hours=valid_hours),
        timestamp_url=tsa_url,
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


@admins.command("add", help=say("help-directory-service-admins-add"))
def admins_add(
    name: Annotated[str, typer.Argument(help=say("help-directory-service-admins-add-name"))],
    scope: Annotated[
        list[str],
        typer.Option(
            "--scope", help=say("help-directory-service-scope", scopes=", ".join(s.value for s in Scope))
        ),
    ],
    home: Home = Path(),
) -> None:
    """Add an administrator; prints the access token once only (only a salted hash is kept)."""
    admin, token = AdminFile.in_home(home).add(name, parse_scopes(scope), at=datetime.now(UTC))
    typer.echo(token)
    typer.echo(say("cli-directory-admin-added", name=admin.name), err=True)


@admins.command("list", help=say("help-directory-service-admins-list"))
def admins_list(home: Home = Path()) -> None:
    """Administrators and their scopes."""
    for admin in AdminFile.in_home(home).admins():
        scopes = " ".join(sorted(scope.value for scope in admin.scopes))
        typer.echo(f"{admin.name}  {scopes}  {admin.created_at.isoformat()}")


@admins.command("remove", help=say("help-directory-service-admins-remove"))
def admins_remove(
    name: Annotated[str, typer.Argument(help=say("help-directory-service-admins-remove-name"))],
    home: Home = Path(),
) -> None:
    """Remove an administrator: their access token stops working at once."""
    AdminFile.in_home(home).remove(name)
    typer.echo(say("cli-removed", name=name))


def config_fetch(
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-directory-service-output"))],
    anchor: Annotated[Path, _file("--anchor", say("help-directory-service-anchor"))],
    tls_anchors: Annotated[Path, _file("--tls-anchors", say("help-directory-service-tls-anchors"))],
    url: Annotated[str | None, typer.Argument(help=say("help-directory-service-url"))] = None,
    tls_cert: Annotated[
        Path | None, _file("--tls-cert", say("help-directory-service-config-fetch-tls-cert"))
    ] = None,
    tls_key: Annotated[
        Path | None, _file("--tls-key", say("help-directory-service-config-fetch-tls-key"))
    ] = None,
) -> None:
    """Fetch the network configuration over HTTPS, verify it."""
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
