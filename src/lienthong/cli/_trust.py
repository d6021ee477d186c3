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
from lienthong.errors import PackageRejected
from lienthong.trust import (
    AttachmentSignatures,
    KeySigner,
    TrustError,
    load_certificates,
    load_crls,
    sign_package,
    sign_pdf,
    verify_attachments,
    verify_package,
    verify_pdf,
)

app = typer.Typer(
    help="Ký số và kiểm tra chữ ký: gói tin edXML (XML-DSig) và tệp PDF (PAdES).", no_args_is_help=True
)

Key = Annotated[Path, typer.Option("--key", help="Khóa bí mật (PEM).")]
Cert = Annotated[Path, typer.Option("--cert", help="Chứng thư của người ký (PEM).")]
Chain = Annotated[list[Path] | None, typer.Option("--chain", help="Chứng thư CA trung gian (PEM).")]
Out = Annotated[Path, typer.Option("-o", "--output", help="Tệp kết quả.")]
Trust = Annotated[list[Path], typer.Option("--trust", help="Chứng thư gốc tin cậy (PEM).")]
Crl = Annotated[list[Path] | None, typer.Option("--crl", help="Danh sách thu hồi (PEM hoặc DER).")]
Json = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")]


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


@app.command("sign")
def sign(file: Path, key: Key, cert: Cert, output: Out, chain: Chain = None) -> None:
    """Ký gói tin edXML (XML-DSig bao trong edXMLHeader, RSA-SHA256)."""
    signer = KeySigner.load(key, cert, chain or [])
    _write(output, sign_package(_read(file), signer))
    typer.echo(str(output))


@app.command("verify")
def verify(
    file: Path,
    trust: Trust,
    crl: Crl = None,
    allow_sha1: Annotated[
        bool, typer.Option("--allow-sha1", help="Chấp nhận chữ ký SHA-1 cũ (báo là yếu).")
    ] = False,
    ocsp: Annotated[bool, typer.Option("--ocsp", help="Hỏi OCSP ghi trong chứng thư.")] = False,
    require_pdf: Annotated[
        bool,
        typer.Option(
            "--require-pdf-signatures", help="Coi gói tin là không hợp lệ nếu có tệp PDF chưa ký hợp lệ."
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    """Kiểm tra chữ ký gói tin edXML và chữ ký số trong các tệp PDF đính kèm; mã thoát 0 nếu hợp lệ."""
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


@app.command("sign-pdf")
def sign_pdf_command(
    file: Path,
    key: Key,
    cert: Cert,
    output: Out,
    chain: Chain = None,
    tsa: Annotated[
        str | None, typer.Option("--tsa", help="URL dịch vụ cấp dấu thời gian (RFC 3161).")
    ] = None,
    visible: Annotated[bool, typer.Option("--visible", help="Hiện chữ ký trên trang đầu.")] = False,
) -> None:
    """Ký tệp PDF (PAdES; B-T khi có --tsa)."""
    _quiet_libraries()
    signer = KeySigner.load(key, cert, chain or [])
    _write(output, sign_pdf(_read(file), signer, tsa_url=tsa, visible=visible))
    typer.echo(str(output))


@app.command("verify-pdf")
def verify_pdf_command(file: Path, trust: Trust, crl: Crl = None, as_json: Json = False) -> None:
    """Kiểm tra mọi chữ ký trong tệp PDF; mã thoát 0 nếu có chữ ký và tất cả hợp lệ."""
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
