"""`lienthong trust ...`: sign and verify edXML packages and PDF files."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509

from lienthong._i18n import msg, say
from lienthong.cli._help import Typer
from lienthong.errors import PackageRejected
from lienthong.trust import (
    AttachmentSignatures,
    TrustError,
    load_certificates,
    load_crls,
    load_signer,
    sign_package,
    sign_pdf,
    verify_attachments,
    verify_package,
    verify_pdf,
)

app = Typer(help=say("help-trust"), no_args_is_help=True)

#: A PEM file's path or a ``pkcs11:`` URI (``load_signer`` tells them apart).
Key = Annotated[str, typer.Option("--key", help=say("help-trust-key"))]
Cert = Annotated[Path, typer.Option("--cert", help=say("help-trust-cert"))]
Chain = Annotated[list[Path] | None, typer.Option("--chain", help=say("help-trust-chain"))]
Out = Annotated[Path, typer.Option("-o", "--output", help=say("help-trust-output"))]
Trust = Annotated[list[Path], typer.Option("--trust", help=say("help-trust-trust"))]
Crl = Annotated[list[Path] | None, typer.Option("--crl", help=say("help-trust-crl"))]
Json = Annotated[bool, typer.Option("--json", help=say("help-trust-json"))]


def _quiet_libraries() -> None:
    # pyHanko logs each failed path validation with a traceback; the report already says why.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TrustError(msg("cli-file-unreadable", path=path, reason=exc.strerror)) from exc


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise TrustError(msg("cli-file-unwritable", path=path, reason=exc.strerror)) from exc


def _anchors(paths: list[Path]) -> list[x509.Certificate]:
    return [cert for path in paths for cert in load_certificates(path)]


@app.command("sign", help=say("help-trust-sign"))
def sign(file: Path, key: Key, cert: Cert, output: Out, chain: Chain = None) -> None:
    """Sign an edXML package (XML-DSig enveloped in edXMLHeader, RSA-SHA256)."""
    signer = load_signer(key, cert, chain or [])
    _write(output, sign_package(_read(file), signer))
    typer.echo(str(output))


@app.command("verify", help=say("help-trust-verify"))
def verify(
    file: Path,
    trust: Trust,
    crl: Crl = None,
    allow_sha1: Annotated[bool, typer.Option("--allow-sha1", help=say("help-trust-allow-sha1"))] = False,
    ocsp: Annotated[bool, typer.Option("--ocsp", help=say("help-trust-ocsp"))] = False,
    require_pdf: Annotated[
        bool,
        typer.Option("--require-pdf-signatures", help=say("help-trust-require-pdf-signatures")),
    ] = False,
    as_json: Json = False,
) -> None:
    """Verify an edXML package's signature and the digital signatures in its attached PDF files."""
    _quiet_libraries()
    data = _read(file)
    anchors = _anchors(trust)
    crls = load_crls(crl or [])
    now = datetime.now(UTC)
    report = verify_package(data, anchors=anchors, crls=crls, fetch_ocsp=ocsp, at=now, allow_sha1=allow_sha1)
    # The PDFs are examined once the package verified; one that is not a readable edXML
    # document (a bare test envelope, say) has no attachments to speak of.
    attachments: list[AttachmentSignatures] = []
    attachments_problem = None
    if report.intact:
        try:
            attachments = verify_attachments(data, anchors=anchors, crls=crls, at=now)
        except PackageRejected as exc:
            attachments_problem = str(exc)
    valid = report.valid and (
        not require_pdf or (attachments_problem is None and all(a.valid for a in attachments))
    )
    if as_json:
        result = {
            **report.to_dict(),
            "valid": valid,
            "package_valid": report.valid,
            "attachments": [a.to_dict() for a in attachments],
            "attachments_problem": attachments_problem,
        }
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(report.summary())
        if report.problem:
            typer.echo(report.problem)
        elif report.weak:
            typer.echo(say("cli-trust-sha1-weak"))
        for attachment in attachments:
            typer.echo(_attachment_line(attachment))
        if attachments_problem:
            typer.echo("  " + say("cli-trust-attachments-unreadable", problem=attachments_problem))
    raise typer.Exit(0 if valid else 1)


def _attachment_line(attachment: AttachmentSignatures) -> str:
    name = attachment.name or attachment.content_id
    if not attachment.signed:
        return "  " + say("cli-trust-pdf-unsigned", name=name)
    parts = [
        f"{report.signer or '?'}: " + ("OK" if report.valid else str(report.problem or "?"))
        for report in attachment.signatures
    ]
    return f"  {name}: " + "; ".join(parts)


@app.command("sign-pdf", help=say("help-trust-sign-pdf"))
def sign_pdf_command(
    file: Path,
    key: Key,
    cert: Cert,
    output: Out,
    chain: Chain = None,
    tsa: Annotated[str | None, typer.Option("--tsa", help=say("help-trust-tsa"))] = None,
    visible: Annotated[bool, typer.Option("--visible", help=say("help-trust-visible"))] = False,
) -> None:
    """Sign a PDF file (PAdES; B-T with --tsa)."""
    _quiet_libraries()
    signer = load_signer(key, cert, chain or [])
    _write(output, sign_pdf(_read(file), signer, tsa_url=tsa, visible=visible))
    typer.echo(str(output))


@app.command("verify-pdf", help=say("help-trust-verify-pdf"))
def verify_pdf_command(file: Path, trust: Trust, crl: Crl = None, as_json: Json = False) -> None:
    """Verify every signature in a PDF file; exit code 0 if it has signatures and all are valid."""
    _quiet_libraries()
    reports = verify_pdf(
        _read(file), anchors=_anchors(trust), crls=load_crls(crl or []), at=datetime.now(UTC)
    )
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in reports], ensure_ascii=False))
    else:
        if not reports:
            typer.echo(say("cli-trust-pdf-no-signature"))
        for report in reports:
            typer.echo(report.summary())
            if report.problem:
                typer.echo(f"  {report.problem}")
    raise typer.Exit(0 if reports and all(r.valid for r in reports) else 1)
