"""`lienthong pki ...`: a small CA for a test network or a demo (root, issuing CA, TSA, OCSP)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509

from lienthong._clock import utc_now
from lienthong._i18n import msg, say
from lienthong.trust import Pki, PkiError, serve_pki

app = typer.Typer(
    help="PKI thử nghiệm: CA gốc, CA cấp phát, chứng thư cơ quan và điểm kết nối.", no_args_is_help=True
)

Home = Annotated[Path, typer.Option("--home", help="Thư mục PKI.", envvar="LIENTHONG_PKI_HOME")]


@app.command("init")
def init(
    home: Home,
    name: Annotated[str, typer.Option(help="Tên tổ chức trong chứng thư CA.")] = "Lienthong",
    days: Annotated[int, typer.Option(help="Thời hạn của CA, tính bằng ngày.")] = 3650,
    ocsp_url: Annotated[str | None, typer.Option(help="URL OCSP ghi vào chứng thư cấp sau này.")] = None,
    crl_url: Annotated[str | None, typer.Option(help="URL CRL ghi vào chứng thư cấp sau này.")] = None,
) -> None:
    """Tạo CA gốc, CA cấp phát, chứng thư TSA và OCSP trong HOME."""
    pki = Pki.init(home, at=utc_now(), name=name, days=days, ocsp_url=ocsp_url, crl_url=crl_url)
    typer.echo(say("cli-pki-root-ca", path=pki.root_path))
    typer.echo(say("cli-pki-issuing-ca", path=pki.issuing_path))
    typer.echo(f"CRL: {pki.crl_path}")


@app.command("issue")
def issue(
    home: Home,
    agency: Annotated[str | None, typer.Option(help="Mã định danh cơ quan (chứng thư ký số).")] = None,
    node: Annotated[str | None, typer.Option(help="Tên điểm kết nối (chứng thư TLS).")] = None,
    org: Annotated[str | None, typer.Option(help="Tên cơ quan (CN).")] = None,
    file_name: Annotated[str | None, typer.Option(help="Tên tệp trong certs/.")] = None,
    days: Annotated[int, typer.Option(help="Thời hạn, tính bằng ngày.")] = 730,
    dns: Annotated[list[str] | None, typer.Option(help="Tên DNS (chứng thư TLS).")] = None,
    ip: Annotated[list[str] | None, typer.Option(help="Địa chỉ IP (chứng thư TLS).")] = None,
) -> None:
    """Cấp chứng thư ký số cho cơ quan (--agency) hoặc chứng thư TLS cho điểm kết nối (--node)."""
    pki = Pki(home)
    if (agency is None) == (node is None):
        raise PkiError(msg("cli-pki-agency-or-node"))
    if agency is not None:
        issued = pki.issue_agency(agency, org or agency, at=utc_now(), days=days, name=file_name)
    else:
        assert node is not None
        issued = pki.issue_node(
            file_name or node,
            at=utc_now(),
            days=days,
            dns_names=tuple(dns or ("localhost",)),
            ip_addresses=tuple(ip or ("127.0.0.1",)),
        )
    typer.echo(say("cli-pki-certificate", path=issued.cert_path))
    typer.echo(say("cli-pki-private-key", path=issued.key_path))
    serial = format(issued.certificate.serial_number, "x")
    typer.echo(say("cli-pki-serial", serial=serial))


@app.command("revoke")
def revoke(
    home: Home,
    target: Annotated[str, typer.Argument(help="Tên tệp trong certs/ hoặc số hiệu (hex).")],
    reason: Annotated[str, typer.Option(help="Lý do theo RFC 5280, ví dụ keyCompromise.")] = "unspecified",
) -> None:
    """Thu hồi một chứng thư và phát hành CRL mới."""

    pki = Pki(home)
    try:
        serial = pki.issued(target).certificate.serial_number
    except PkiError:
        try:
            serial = int(target, 16)
        except ValueError:
            raise PkiError(msg("cli-pki-certificate-unknown", target=target)) from None
    try:
        flag = x509.ReasonFlags(reason)
    except ValueError:
        raise PkiError(msg("cli-pki-reason-invalid", reason=reason)) from None
    now = utc_now()
    pki.revoke(serial, at=now, reason=flag)
    crl_path = pki.write_crl(at=now)
    typer.echo(say("cli-pki-revoked", serial=format(serial, "x"), crl=crl_path))
    _publish_hint(pki)


def _publish_hint(pki: Pki) -> None:
    """The next step: the network learns of a revocation only from the directory."""
    command = f"lienthong directory crls add {pki.crl_path} --ca {pki.issuing_path}"
    typer.echo(say("cli-pki-publish-hint", command=command))


@app.command("crl")
def crl(
    home: Home,
    next_update_days: Annotated[int, typer.Option(help="Số ngày tới lần cập nhật sau.")] = 7,
) -> None:
    """Phát hành CRL mới (của CA cấp phát và CA gốc) vào crl.pem."""
    pki = Pki(home)
    typer.echo(str(pki.write_crl(at=utc_now(), next_update=timedelta(days=next_update_days))))
    _publish_hint(pki)


@app.command("serve")
def serve(
    home: Home,
    port: Annotated[int, typer.Option(help="Cổng trên 127.0.0.1 (0: cổng trống bất kỳ).")] = 0,
) -> None:
    """Chạy OCSP, TSA và tải CRL trên 127.0.0.1 cho tới khi bấm Ctrl-C."""
    with serve_pki(Pki(home), port=port) as services:
        typer.echo(f"OCSP: {services.ocsp_url}")
        typer.echo(f"TSA: {services.tsa_url}")
        typer.echo(f"CRL: {services.crl_url}")
        while True:
            time.sleep(3600)
