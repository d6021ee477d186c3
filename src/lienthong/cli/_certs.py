"""`lienthong node csr` and `lienthong node certs install`: enrolment by request.

Thin wrappers over ``lienthong.node`` (``make_request``, ``install``, ``register``); each step
is recorded in the node's audit log by ``cli:<system user>``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509

from lienthong._i18n import msg, say
from lienthong.cli._audit import audited, record
from lienthong.cli._help import Typer
from lienthong.node import (
    Installed,
    NodeError,
    NodeHome,
    Purpose,
    activate,
    admin_commands,
    directory_tls,
    install,
    make_request,
    register,
)
from lienthong.store import Database
from lienthong.trust import check_private

app = Typer(help=say("help-node-certs"), no_args_is_help=True)

_Home = Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-home"))]
_TokenFile = Annotated[
    Path | None,
    typer.Option(
        "--admin-token-file", exists=True, dir_okay=False, help=say("help-node-certs-admin-token-file")
    ),
]


def csr(
    home: _Home,
    purpose: Annotated[str, typer.Option("--for", help=say("help-node-csr-for"))],
    key: Annotated[str | None, typer.Option("--key", help=say("help-node-csr-key"))] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help=say("help-node-csr-output"))] = None,
    dns: Annotated[list[str] | None, typer.Option("--dns", help=say("help-node-csr-dns"))] = None,
    ip: Annotated[list[str] | None, typer.Option("--ip", help=say("help-node-csr-ip"))] = None,
    name: Annotated[str | None, typer.Option("--name", help=say("help-node-csr-name"))] = None,
) -> None:
    """Make a key (RSA 3072, 0600 in the home) and a PKCS#10 request for a CA to certify."""
    node = NodeHome.load(home)
    wanted = Purpose.parse(purpose)
    with audited(home) as database:
        made = make_request(
            node,
            wanted,
            key=key,
            output=output,
            dns_names=dns or (),
            ip_addresses=ip or (),
            agency_name=name,
        )
        record(database, "certificate-request", str(wanted), csr=str(made.csr_path))
    typer.echo(say("cli-node-csr-written", path=made.csr_path))
    typer.echo(say("cli-node-csr-key", path=made.key))


def _token(path: Path | None) -> str | None:
    if path is None:
        return None
    check_private([path])  # a directory admin's secret, as the node's keys are
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise NodeError(msg("cli-node-certs-token-empty", path=path))
    return token


@app.command("install", help=say("help-node-certs-install"))
def install_certificate(
    certificate: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help=say("help-node-certs-file"))
    ],
    home: _Home,
    chain: Annotated[list[Path] | None, typer.Option("--chain", help=say("help-node-certs-chain"))] = None,
    admin_token_file: _TokenFile = None,
    next_tls: Annotated[bool, typer.Option("--next", help=say("help-node-certs-next"))] = False,
) -> None:
    """Check a certificate against the waiting request and the network, put it in place (or keep
    a TLS certificate as the next one), and register it with the directory."""
    token = _token(admin_token_file)
    with audited(home) as database:
        installed = install(
            NodeHome.load(home), certificate, chain=chain or (), at=datetime.now(UTC), next_tls=next_tls
        )
        serial = format(installed.certificate.serial_number, "x")
        action = "certificate-install-next" if installed.pending else "certificate-install"
        record(database, action, str(installed.purpose), serial=serial, path=str(installed.certificate_path))
        if installed.pending:
            typer.echo(say("cli-node-certs-next-kept", path=installed.certificate_path, serial=serial))
        else:
            typer.echo(say("cli-node-certs-installed", path=installed.certificate_path, serial=serial))
        typer.echo(say("cli-node-certs-until", date=_until(installed.certificate)))
        _register(home, installed, token, database)


@app.command("activate", help=say("help-node-certs-activate"))
def activate_certificate(home: _Home, admin_token_file: _TokenFile = None) -> None:
    """Put the next TLS certificate (``install --next``) in place and make it the current one in
    the directory; a serving node takes it when the files change (or on SIGHUP)."""
    token = _token(admin_token_file)
    with audited(home) as database:
        installed = activate(NodeHome.load(home), at=datetime.now(UTC))
        serial = format(installed.certificate.serial_number, "x")
        record(database, "certificate-activate", str(installed.purpose), serial=serial,
               path=str(installed.certificate_path))  # fmt: skip
        typer.echo(say("cli-node-certs-installed", path=installed.certificate_path, serial=serial))
        typer.echo(say("cli-node-certs-until", date=_until(installed.certificate)))
        _register(home, installed, token, database)


def _register(home: Path, installed: Installed, token: str | None, database: Database) -> None:
    """Register ``installed`` with the directory (audited), or say what its admin must run."""
    node = NodeHome.load(home)  # as it is now: the new certificate in place
    if token is None:
        commands = admin_commands(node, installed)
        if commands:
            typer.echo(say("cli-node-certs-admin-must"))
        for command in commands:
            typer.echo(f"  {command}")
        return
    done = register(node, installed, token=token, tls=directory_tls(node))
    if done is None:
        typer.echo(say("cli-node-certs-not-registered"))
        return
    serial = format(installed.certificate.serial_number, "x")
    action = "certificate-register-next" if installed.pending else "certificate-register"
    record(database, action, str(installed.purpose), serial=serial, route=done.route)
    typer.echo(say("cli-node-certs-registered", route=done.route))


def _until(certificate: x509.Certificate) -> str:
    return certificate.not_valid_after_utc.date().isoformat()
