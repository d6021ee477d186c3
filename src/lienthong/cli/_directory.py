"""`lienthong directory …`: the registry and the signed configuration. Thin wrappers: the logic
is in ``lienthong.directory``."""

from __future__ import annotations

import getpass
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import say
from lienthong.cli import _directory_keys, _directory_service, _portal
from lienthong.cli._help import Typer
from lienthong.directory import (
    ConfigurationAnchor,
    DirectoryKey,
    DirectoryRegistry,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.directory._signing import private_key_pem
from lienthong.edxml import VIETNAM_TZ
from lienthong.store import DEFAULT_URL

app = Typer(help=say("help-directory"), no_args_is_help=True)
agencies = Typer(help=say("help-directory-agencies"), no_args_is_help=True)
nodes = Typer(help=say("help-directory-nodes"), no_args_is_help=True)
config = Typer(help=say("help-directory-config"), no_args_is_help=True)
certificates = Typer(help=say("help-directory-certificates"), no_args_is_help=True)
anchors = Typer(help=say("help-directory-anchors"), no_args_is_help=True)
crls = Typer(help=say("help-directory-crls"), no_args_is_help=True)
app.add_typer(agencies, name="agencies")
app.add_typer(nodes, name="nodes")
app.add_typer(config, name="config")
app.add_typer(certificates, name="certificates")
app.add_typer(anchors, name="anchors")
app.add_typer(crls, name="crls")
app.add_typer(_directory_service.admins, name="admins")
app.command("serve", help=say("help-directory-serve"))(_directory_service.serve)
app.add_typer(_directory_keys.keys, name="key")
config.command("fetch", help=say("help-directory-config-fetch"))(_directory_service.config_fetch)
app.add_typer(_portal.regulations, name="regulations")
app.add_typer(_portal.statistics, name="statistics")

_Db = Annotated[
    str,
    typer.Option("--db", envvar="LIENTHONG_DIRECTORY_DB", help=say("help-directory-db")),
]
_Actor = Annotated[
    str | None, typer.Option("--actor", envvar="LIENTHONG_ACTOR", help=say("help-directory-actor"))
]
_Json = Annotated[bool, typer.Option("--json", help=say("help-directory-json"))]


def _day(text: str | None, option: str) -> date:
    if text is None:
        return datetime.now(VIETNAM_TZ).date()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise typer.BadParameter(say("cli-date-invalid-iso", text=text), param_hint=option)


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


@contextmanager
def _registry(db: str) -> Iterator[DirectoryRegistry]:
    with DirectoryRegistry.open(db) as registry:
        yield registry


def _echo_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command("init", help=say("help-directory-init"))
def init(db: _Db = DEFAULT_URL, actor: _Actor = None) -> None:
    """Create or upgrade the schema and load the reference code list (if the directory is empty)."""
    with _registry(db) as registry:
        seeded = registry.initialize(actor=_actor(actor))
        version = registry.version()
    typer.echo(say("cli-directory-ready", seeded=seeded, version=version))


@app.command("reorganize", help=say("help-directory-reorganize"))
def reorganize(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=say("help-directory-file"))],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Apply a reorganisation (old_code, successor_code, effective)."""
    with _registry(db) as registry:
        changed = registry.reorganize(file, actor=_actor(actor))
    typer.echo(say("cli-directory-records-changed", count=changed))


@agencies.command("import", help=say("help-directory-agencies-import"))
def agencies_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help=say("help-directory-agencies-import-file"))
    ],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Import a CSV file (code records or a reorganisation)."""
    with _registry(db) as registry:
        changed = registry.import_csv(file, actor=_actor(actor))
    typer.echo(say("cli-directory-records-changed", count=changed))


@agencies.command("add", help=say("help-directory-agencies-add"))
def agencies_add(
    code: Annotated[str, typer.Argument(help=say("help-directory-code"))],
    name: Annotated[str | None, typer.Option("--name", help=say("help-directory-name"))] = None,
    contact: Annotated[str | None, typer.Option("--contact", help=say("help-directory-contact"))] = None,
    valid_from: Annotated[str | None, typer.Option("--from", help=say("help-directory-from"))] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Add an identifier code."""
    start = None if valid_from is None else _day(valid_from, "--from")
    with _registry(db) as registry:
        entry = registry.add_agency(code, name=name, contact=contact, valid_from=start, actor=_actor(actor))
    typer.echo(say("cli-directory-agency-added", code=entry.code))


@agencies.command("close", help=say("help-directory-agencies-close"))
def agencies_close(
    code: Annotated[str, typer.Argument(help=say("help-directory-agencies-close-code"))],
    on: Annotated[str, typer.Option("--on", help=say("help-directory-on"))],
    successor: Annotated[
        str | None, typer.Option("--successor", help=say("help-directory-successor"))
    ] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Close a code from a day, optionally with a successor."""
    with _registry(db) as registry:
        entry = registry.close_agency(code, on=_day(on, "--on"), successor=successor, actor=_actor(actor))
    typer.echo(say("cli-directory-agency-closed", code=entry.code, day=on))


@agencies.command("show", help=say("help-directory-agencies-show"))
def agencies_show(
    code: Annotated[str, typer.Argument(help=say("help-directory-agencies-show-code"))],
    at: Annotated[str | None, typer.Option("--at", help=say("help-directory-at"))] = None,
    db: _Db = DEFAULT_URL,
    as_json: _Json = False,
) -> None:
    """A code's history, state and serving node on a day."""
    day = _day(at, "--at")
    with _registry(db) as registry:
        history = registry.agency(code)
        route = registry.network().route(code, at=day)
    data = {
        "code": history[0].code,
        "at": day.isoformat(),
        "active": route.status.active,
        "successor": route.successor,
        "node": None if route.node is None else route.node.name,
        "deliverable": route.deliverable,
        "problem": route.problem,
        "history": [
            {
                "name": e.name,
                "contact": e.contact,
                "valid_from": e.valid_from,
                "valid_to": e.valid_to,
                "successor": e.successor,
                "note": e.note,
            }
            for e in history
        ],
    }
    if as_json:
        _echo_json(data)
        return
    typer.echo(f"{data['code']}  ({day.isoformat()})")
    for e in history:
        start = e.valid_from.isoformat() if e.valid_from else "…"
        end = e.valid_to.isoformat() if e.valid_to else "…"
        heir = f" → {e.successor}" if e.successor else ""
        typer.echo(f"  [{start}, {end}){heir}  {e.name or ''}")
    typer.echo("  " + say("cli-directory-agency-node", node=data["node"] or "—"))
    status = route.problem or say("cli-directory-agency-deliverable")
    typer.echo("  " + say("cli-directory-agency-status", status=status))


@nodes.command("add", help=say("help-directory-nodes-add"))
def nodes_add(
    name: Annotated[str, typer.Argument(help=say("help-directory-nodes-add-name"))],
    url: Annotated[str, typer.Argument(help=say("help-directory-url"))],
    serves: Annotated[list[str] | None, typer.Option("--serves", help=say("help-directory-serves"))] = None,
    tls_cert: Annotated[
        Path | None,
        typer.Option("--tls-cert", exists=True, dir_okay=False, help=say("help-directory-tls-cert")),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help=say("help-directory-replace"))] = False,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
    seal_cert: Annotated[
        Path | None,
        typer.Option("--seal-cert", exists=True, dir_okay=False, help=say("help-directory-seal-cert")),
    ] = None,
    next_tls_cert: Annotated[
        Path | None,
        typer.Option(
            "--next-tls-cert", exists=True, dir_okay=False, help=say("help-directory-next-tls-cert")
        ),
    ] = None,
) -> None:
    """Register a node and the code branches it serves."""
    pem = None if tls_cert is None else tls_cert.read_text(encoding="ascii")
    seal = None if seal_cert is None else seal_cert.read_text(encoding="ascii")
    following = None if next_tls_cert is None else next_tls_cert.read_text(encoding="ascii")
    with _registry(db) as registry:
        node = registry.add_node(
            name,
            url,
            serves=serves or (),
            tls_certificate_pem=pem,
            seal_certificate_pem=seal,
            next_tls_certificate_pem=following,
            replace=replace,
            actor=_actor(actor),
        )
    typer.echo(say("cli-directory-node-added", name=node.name, subtrees=", ".join(node.subtrees) or "—"))


@nodes.command("show", help=say("help-directory-nodes-show"))
def nodes_show(
    name: Annotated[str | None, typer.Argument(help=say("help-directory-nodes-show-name"))] = None,
    db: _Db = DEFAULT_URL,
    as_json: _Json = False,
) -> None:
    """Nodes and the code branches they serve."""
    with _registry(db) as registry:
        found = [registry.node(name)] if name else registry.nodes()
    if as_json:
        _echo_json([{"name": n.name, "url": n.peer_url, "serves": list(n.subtrees),
                     "tls": n.tls_certificate_pem is not None,
                     "seal": n.seal_certificate_pem is not None,
                     "next_tls": n.next_tls_certificate_pem is not None} for n in found])  # fmt: skip
        return
    for node in found:
        typer.echo(f"{node.name}  {node.peer_url}  {' '.join(node.subtrees) or '—'}")


@nodes.command("remove", help=say("help-directory-nodes-remove"))
def nodes_remove(
    name: Annotated[str, typer.Argument(help=say("help-directory-nodes-remove-name"))],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Remove a node; the code branches it served are served by no one."""
    with _registry(db) as registry:
        registry.remove_node(name, actor=_actor(actor))
    typer.echo(say("cli-removed", name=name))


_PemFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=say("help-directory-pem-file"))]


@certificates.command("bind", help=say("help-directory-certificates-bind"))
def certificates_bind(
    code: Annotated[str, typer.Argument(help=say("help-directory-certificates-bind-code"))],
    certificate: _PemFile,
    subtree: Annotated[bool, typer.Option("--subtree", help=say("help-directory-subtree"))] = False,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Allow a certificate to sign for a code (and its subordinate codes, with --subtree)."""
    pem = certificate.read_text(encoding="ascii", errors="replace")
    with _registry(db) as registry:
        binding = registry.bind_certificate(code, pem, subtree=subtree, actor=_actor(actor))
    typer.echo(f"{binding.fingerprint}  {binding.code}{' (subtree)' if binding.subtree else ''}")


@certificates.command("unbind", help=say("help-directory-certificates-unbind"))
def certificates_unbind(
    fingerprint: Annotated[str, typer.Argument(help=say("help-directory-fingerprint"))],
    code: Annotated[str, typer.Argument(help=say("help-directory-certificates-unbind-code"))],
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Stop allowing a certificate to sign for a code."""
    with _registry(db) as registry:
        registry.unbind_certificate(fingerprint, code, actor=_actor(actor))
    typer.echo(say("cli-directory-certificate-unbound", fingerprint=fingerprint[:16], code=code))


@anchors.command("add", help=say("help-directory-anchors-add"))
def anchors_add(certificate: _PemFile, db: _Db = DEFAULT_URL, actor: _Actor = None) -> None:
    """Add a trusted root CA to the network configuration."""
    pem = certificate.read_text(encoding="ascii", errors="replace")
    with _registry(db) as registry:
        anchor = registry.add_anchor(pem, actor=_actor(actor))
    typer.echo(f"{anchor.fingerprint}  {anchor.subject}")


@crls.command("add", help=say("help-directory-crls-add"))
def crls_add(
    crl: _PemFile,
    ca: Annotated[
        list[Path] | None,
        typer.Option(
            "--ca",
            exists=True,
            dir_okay=False,
            help=say("help-directory-ca"),
        ),
    ] = None,
    db: _Db = DEFAULT_URL,
    actor: _Actor = None,
) -> None:
    """Record every CRL in the file (PEM or DER), each replacing an older CRL of the same CA."""
    with _registry(db) as registry:
        recorded = registry.add_crls(
            crl.read_bytes(), actor=_actor(actor), cas=[path.read_bytes() for path in ca or ()]
        )
        missing = registry.missing_crls()
    for added, changed in recorded:
        state = say("cli-directory-crl-added") if changed else say("cli-directory-crl-unchanged")
        typer.echo(f"{added.issuer}  {added.this_update.isoformat()}  {state}")
    if missing:
        typer.echo(say("cli-directory-crls-missing", issuers="; ".join(missing)), err=True)


@config.command("keygen", help=say("help-directory-config-keygen"))
def config_keygen(
    key: Annotated[Path, typer.Option("--key", help=say("help-directory-key"))],
    cert: Annotated[Path, typer.Option("--cert", help=say("help-directory-cert"))],
    anchor: Annotated[Path | None, typer.Option("--anchor", help=say("help-directory-anchor"))] = None,
    name: Annotated[str, typer.Option("--name", help=say("help-directory-config-keygen-name"))] = "lienthong",
    url: Annotated[str | None, typer.Option("--url", help=say("help-directory-config-keygen-url"))] = None,
) -> None:
    """Create a configuration signing key (ECDSA P-256) and a self-signed certificate for a new network."""
    directory_key = generate_directory_key(f"{name} directory")
    # All three its owner's only: the key is the network's; the operator hands the others out.
    _write_atomically(key, private_key_pem(directory_key), private=True)
    _write_atomically(cert, _cert_pem(directory_key), private=True)
    if anchor is not None:
        anchor_json = directory_key.anchor(directory=name, url=url).to_json().encode("utf-8")
        _write_atomically(anchor, anchor_json, private=True)
    typer.echo(directory_key.fingerprint)


@config.command("build", help=say("help-directory-config-build"))
def config_build(
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-directory-output"))],
    key: Annotated[
        str,  # a PEM file or a pkcs11: URI, which a Path would not keep as written
        typer.Option("--key", envvar="LIENTHONG_DIRECTORY_KEY", help=say("help-directory-config-build-key")),
    ],
    cert: Annotated[
        Path,
        typer.Option(
            "--cert", envvar="LIENTHONG_DIRECTORY_CERT", help=say("help-directory-config-build-cert")
        ),
    ],
    since: Annotated[int | None, typer.Option("--since", help=say("help-directory-since"))] = None,
    valid_hours: Annotated[
        float, typer.Option("--valid-hours", help=say("help-directory-valid-hours"))
    ] = 72.0,
    name: Annotated[str, typer.Option("--name", help=say("help-directory-config-build-name"))] = "lienthong",
    db: _Db = DEFAULT_URL,
) -> None:
    """Build and sign the network configuration: in full, or the changes since a version (--since)."""
    directory_key = DirectoryKey.load(key, cert)
    issued_at = datetime.now(UTC)
    with _registry(db) as registry:
        registry.require_crls(at=issued_at)  # refused: the file already there stays as it was
        snapshot = registry.snapshot(since=since)
    data = build_configuration(
        snapshot,
        directory_key,
        directory=name,
        issued_at=issued_at,
        valid_for=timedelta(hours=valid_hours),
    )
    _write_atomically(output, data)
    typer.echo(say("cli-directory-config-written", path=output, version=snapshot.version, size=len(data)))


@config.command("verify", help=say("help-directory-config-verify"))
def config_verify(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help=say("help-directory-config-verify-file"))
    ],
    anchor: Annotated[Path, typer.Option("--anchor", help=say("help-directory-config-verify-anchor"))],
    at: Annotated[str | None, typer.Option("--at", help=say("help-directory-config-verify-at"))] = None,
) -> None:
    """Verify a saved configuration."""
    moment = datetime.now(UTC)
    if at is not None:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise typer.BadParameter(at, param_hint="--at") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM_TZ)
    configuration = verify_configuration(file.read_bytes(), ConfigurationAnchor.load(anchor), at=moment)
    typer.echo(say("cli-directory-config-valid", summary=configuration.summary()))


def _cert_pem(key: DirectoryKey) -> bytes:
    return key.certificate.public_bytes(Encoding.PEM)


def _write_atomically(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write next to the target and rename, so a reader never sees half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent or Path(), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if not private:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
