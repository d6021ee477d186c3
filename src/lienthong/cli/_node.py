"""`lienthong node ...`: create a node's home, serve it, submit a package, export evidence.

Thin wrappers: the logic is in ``lienthong.node``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import faulthandler
import json
import logging
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from lienthong._i18n import msg, say
from lienthong.cli import _archive, _backup, _certs, _console, _doctor, _node_blobs, _node_clients
from lienthong.cli._help import Typer
from lienthong.cli._logs import LogFormat, LogFormatOption, setup_logging
from lienthong.cli._modes import AllowInsecureModes
from lienthong.edxml import DEFAULT_LIMITS, Limits
from lienthong.errors import LienthongError
from lienthong.node import (
    KeyFiles,
    NodeError,
    NodeHome,
    NodeRuntime,
    RetryPolicy,
    RuntimeSettings,
    document_trace,
    export_evidence,
    init_home,
    read_package_file,
    submit,
)
from lienthong.server import NodeService, ServeSettings
from lienthong.trust import check_private, private_files

app = Typer(help=say("help-node"), no_args_is_help=True)
app.add_typer(_node_clients.app, name="clients")
app.add_typer(_console.app, name="users")
app.command("doctor", help=say("help-node-doctor"))(_doctor.doctor)
app.add_typer(_certs.app, name="certs")
app.add_typer(_node_blobs.app, name="blobs")
app.command("csr", help=say("help-node-csr"))(_certs.csr)
app.command("backup", help=say("help-node-backup"))(_backup.backup)
app.command("restore", help=say("help-node-restore"))(_backup.restore)
app.command("resync", help=say("help-node-resync"))(_backup.resync)
app.command("archive", help=say("help-node-archive"))(_archive.archive)
app.add_typer(_archive.retention_app, name="retention")
app.add_typer(_archive.hold_app, name="hold")

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-home"))]


_MaxPackage = Annotated[
    int, typer.Option("--max-package-bytes", min=1, help=say("help-node-max-package-bytes"))
]
_InMemory = Annotated[
    int,
    typer.Option(
        "--in-memory-bytes",
        min=1,
        help=say("help-node-in-memory-bytes"),
    ),
]


def _limits(max_package_bytes: int, in_memory_bytes: int) -> Limits:
    # A package may be one attachment: its limit follows a larger package limit.
    return dataclasses.replace(
        DEFAULT_LIMITS,
        max_package_bytes=max_package_bytes,
        max_attachment_bytes=max(DEFAULT_LIMITS.max_attachment_bytes, max_package_bytes),
        in_memory_bytes=in_memory_bytes,
    )


_DOCUMENT_HELP = say("help-node-document-id")


def _file(option: str, help_text: str) -> Any:
    return typer.Option(option, exists=True, dir_okay=False, help=help_text)


def _signer(text: str) -> tuple[str, KeyFiles]:
    code, _, files = text.partition("=")
    key, _, cert = files.partition(",")
    if not code or not key or not cert:
        raise NodeError(msg("cli-node-signer-form", text=text))
    return code, KeyFiles(Path(key), Path(cert))


@app.command("init", help=say("help-node-init"))
def init(
    home: _Home,
    name: Annotated[str, typer.Option("--name", help=say("help-node-name"))],
    anchor: Annotated[Path, _file("--anchor", say("help-node-anchor"))],
    configuration: Annotated[Path | None, _file("--configuration", say("help-node-configuration"))] = None,
    directory: Annotated[str | None, typer.Option("--directory", help=say("help-node-directory"))] = None,
    directory_tls_anchors: Annotated[
        Path | None, _file("--directory-tls-anchors", say("help-node-directory-tls-anchors"))
    ] = None,
    database: Annotated[str | None, typer.Option("--database", help=say("help-node-database"))] = None,
    pki: Annotated[Path | None, typer.Option("--pki", file_okay=False, help=say("help-node-pki"))] = None,
    agency: Annotated[list[str] | None, typer.Option("--agency", help=say("help-node-agency"))] = None,
    key: Annotated[Path | None, _file("--key", say("help-node-key"))] = None,
    cert: Annotated[Path | None, _file("--cert", say("help-node-cert"))] = None,
    chain: Annotated[list[Path] | None, typer.Option("--chain", help=say("help-node-chain"))] = None,
    signer: Annotated[list[str] | None, typer.Option("--signer", help=say("help-node-signer"))] = None,
    seal_key: Annotated[str | None, typer.Option("--seal-key", help=say("help-node-seal-key"))] = None,
    seal_cert: Annotated[Path | None, _file("--seal-cert", say("help-node-seal-cert"))] = None,
) -> None:
    """Create a node's directory: keys, certificates, configuration anchor, database, node.json."""
    if (key is None) != (cert is None):
        raise NodeError(msg("cli-node-key-and-cert"))
    created = init_home(
        home,
        name=name,
        anchor=anchor,
        at=datetime.now(UTC),
        database_url=database,
        tls=KeyFiles(key, cert) if key is not None and cert is not None else None,
        chain=chain or (),
        signers=dict(_signer(text) for text in signer or ()),
        pki=pki,
        agencies=agency or (),
        configuration=configuration,
        directory_url=directory,
        directory_tls_anchors=directory_tls_anchors,
        seal_key=seal_key,
        seal_certificate=seal_cert,
    )
    typer.echo(say("cli-node-created", name=created.name, home=home))


def _metrics_token(path: Path | None, *, check_mode: bool) -> str | None:
    if path is None:
        return None
    if check_mode:  # a secret, as the node's keys are
        check_private([path])
    token = path.read_text(encoding="utf-8").strip()
    if len(token) < 16:  # a short token is guessable
        raise LienthongError(msg("cli-node-metrics-token-short", path=path), code="metrics-token-short")
    return token


@app.command("serve", help=say("help-node-serve"))
def serve(
    home: _Home,
    host: Annotated[str, typer.Option("--host", help=say("help-node-host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help=say("help-node-port"))] = 0,
    configuration: Annotated[
        Path | None, typer.Option("--configuration", help=say("help-node-serve-configuration"))
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help=say("help-node-workers"))] = 4,
    batch: Annotated[int, typer.Option("--batch", min=1, max=1024, help=say("help-node-batch"))] = 64,
    per_request: Annotated[
        int,
        typer.Option(
            "--per-request",
            min=1,
            max=64,
            help=say("help-node-per-request"),
        ),
    ] = 32,
    retry_base: Annotated[
        float, typer.Option("--retry-base", min=0.01, help=say("help-node-retry-base"))
    ] = 5.0,
    retry_cap: Annotated[
        float, typer.Option("--retry-cap", min=0.01, help=say("help-node-retry-cap"))
    ] = 1800.0,
    deadline_hours: Annotated[
        float, typer.Option("--deadline-hours", min=0.0, help=say("help-node-deadline-hours"))
    ] = 72.0,
    lease: Annotated[
        float,
        typer.Option("--lease", min=0.1, help=say("help-node-lease")),
    ] = 120.0,
    max_package_bytes: _MaxPackage = DEFAULT_LIMITS.max_package_bytes,
    in_memory_bytes: _InMemory = DEFAULT_LIMITS.in_memory_bytes,
    verbose: Annotated[bool, typer.Option("--verbose", help=say("help-node-verbose"))] = False,
    api_port: Annotated[
        int, typer.Option("--api-port", min=0, max=65535, help=say("help-node-api-port"))
    ] = 0,
    no_api: Annotated[bool, typer.Option("--no-api", help=say("help-node-no-api"))] = False,
    statistics_interval: Annotated[
        float,
        typer.Option(
            "--statistics-interval",
            min=0.0,
            envvar="LIENTHONG_STATISTICS_INTERVAL",
            help=say("help-node-statistics-interval"),
        ),
    ] = 300.0,
    refresh_interval: Annotated[
        float,
        typer.Option(
            "--refresh-interval",
            min=1.0,
            envvar="LIENTHONG_REFRESH_INTERVAL",
            help=say("help-node-refresh-interval"),
        ),
    ] = 300.0,
    allow_private_webhooks: Annotated[
        bool,
        typer.Option(
            "--allow-private-webhooks",
            help=say("help-node-allow-private-webhooks"),
        ),
    ] = False,
    public_docs: Annotated[
        bool,
        typer.Option("--public-docs", help=say("help-node-public-docs")),
    ] = False,
    public_metrics: Annotated[
        bool, typer.Option("--public-metrics", help=say("help-node-public-metrics"))
    ] = False,
    metrics_token_file: Annotated[
        Path | None,
        typer.Option(
            "--metrics-token-file",
            exists=True,
            dir_okay=False,
            help=say("help-node-metrics-token-file"),
        ),
    ] = None,
    log_format: LogFormatOption = LogFormat.TEXT,
    allow_insecure_modes: AllowInsecureModes = False,
) -> None:
    """Serve the node (POST /v1/peer/packages over mTLS) and send outgoing documents, until stopped."""
    faulthandler.register(signal.SIGUSR1)  # kill -USR1 prints every thread's stack to stderr
    # Info: one line at start, a summary of deliveries a minute; each delivery with --verbose.
    setup_logging(log_format, level=logging.INFO)
    if verbose:
        logging.getLogger("lienthong.node.worker").setLevel(logging.DEBUG)
    settings = ServeSettings(
        runtime=RuntimeSettings(
            retry=RetryPolicy(
                base=timedelta(seconds=retry_base),
                cap=timedelta(seconds=retry_cap),
                deadline=timedelta(hours=deadline_hours),
                lease=timedelta(seconds=lease),
            ),
            limits=_limits(max_package_bytes, in_memory_bytes),
            configuration=configuration,
            refresh_interval=timedelta(seconds=refresh_interval),
        ),
        host=host,
        port=port,
        workers=workers,
        batch=batch,
        per_request=per_request,
        api_port=None if no_api else api_port,
        statistics_interval=statistics_interval,
        allow_private_webhooks=allow_private_webhooks,
        public_docs=public_docs,
        public_metrics=public_metrics,
        metrics_token=_metrics_token(metrics_token_file, check_mode=not allow_insecure_modes),
    )

    def listening(url: str) -> None:
        typer.echo(say("cli-node-serving", url=url))

    def api_listening(url: str) -> None:
        typer.echo(say("cli-node-api-serving", url=url))

    async def run(service: NodeService) -> None:
        shutdown = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, shutdown.set)
        loop.add_signal_handler(signal.SIGHUP, service.reloads.ask)  # renewed certificates, no stop
        await service.serve(on_listening=listening, shutdown=shutdown, on_api=api_listening)

    node_home = NodeHome.load(home)
    if not allow_insecure_modes:
        node_home.check_modes()
    # For good: the database's log, blobs and caches this node writes are its owner's only.
    with private_files(), _node_blobs.serving(node_home), NodeService(node_home, settings) as service:
        asyncio.run(run(service))
    typer.echo(say("cli-stopped"))


@app.command("submit", help=say("help-node-submit"))
def submit_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=say("help-node-file"))],
    home: _Home,
    max_package_bytes: _MaxPackage = DEFAULT_LIMITS.max_package_bytes,
    in_memory_bytes: _InMemory = DEFAULT_LIMITS.in_memory_bytes,
) -> None:
    """Take an edXML package to send (signing it if unsigned); print the result as one line of JSON."""
    settings = RuntimeSettings(limits=_limits(max_package_bytes, in_memory_bytes))
    with NodeRuntime(NodeHome.load(home), settings) as runtime:
        source = read_package_file(file, threshold=in_memory_bytes)  # a large file is read in place
        submission = submit(runtime.node(), source, at=datetime.now(UTC))
    typer.echo(
        json.dumps(
            {
                "document_id": submission.document_id,
                "message_id": submission.message_id,
                "repeated": submission.repeated,
                "recipients": [
                    {
                        "recipient": e.item.recipient,
                        "deliver_to": e.item.deliver_to,
                        "state": e.state.value,
                        "reason": None if e.last_error is None else str(e.last_error),
                    }
                    for e in submission.entries
                ],
            },
            ensure_ascii=False,
        )
    )


@app.command("evidence", help=say("help-node-evidence"))
def evidence(
    document_id: Annotated[str, typer.Argument(help=_DOCUMENT_HELP)],
    home: _Home,
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-node-output"))],
) -> None:
    """Export a document's evidence bundle: packages, receipts, statuses and the log chain."""
    node = NodeHome.load(home)
    database = node.open_database()
    try:
        data = export_evidence(
            node=node.name, database=database, blobs=node.blobs(database), key=node.seal_signer(),
            document_id=document_id, at=datetime.now(UTC),
        )  # fmt: skip
    finally:
        database.close()
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise NodeError(msg("cli-file-unwritable", path=output, reason=exc.strerror)) from exc
    typer.echo(str(output))


@app.command("trace", help=say("help-node-trace"))
def trace(
    document_id: Annotated[str, typer.Argument(help=_DOCUMENT_HELP)],
    home: _Home,
    as_json: Annotated[bool, typer.Option("--json", help=say("help-node-json"))] = False,
) -> None:
    """A document's path and times: TraceHeader, each leg, receipts, statuses."""
    node = NodeHome.load(home)
    database = node.open_database()
    try:
        found = document_trace(
            node=node.name, database=database, blobs=node.blobs(database), name=document_id
        )
    finally:
        database.close()
    if not found.log and not found.legs:
        raise NodeError(msg("cli-node-trace-unknown", document=document_id))
    if as_json:
        typer.echo(json.dumps(found.to_dict(), ensure_ascii=False))
        return
    for line in found.lines():
        typer.echo(line)
