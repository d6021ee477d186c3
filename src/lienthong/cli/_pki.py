"""`lienthong pki ...`: a small CA for a test network or a demo (root, issuing CA, TSA, OCSP)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._clock import utc_now
from lienthong._i18n import msg, say
from lienthong.cli._help import Typer
from lienthong.trust import CertificateProfile, Pki, PkiError, read_request, serve_pki

app = Typer(help=say("help-pki"), no_args_is_help=True)

Home = Annotated[Path, typer.Option("--home", help=say("help-pki-home"), envvar="LIENTHONG_PKI_HOME")]


@app.command("init", help=say("help-pki-init"))
def init(
    home: Home,
    name: Annotated[str, typer.Option(help=say("help-pki-name"))] = "Lienthong",
    days: Annotated[int, typer.Option(help=say("help-pki-days"))] = 3650,
    ocsp_url: Annotated[str | None, typer.Option(help=say("help-pki-ocsp-url"))] = None,
    crl_url: Annotated[str | None, typer.Option(help=say("help-pki-crl-url"))] = None,
) -> None:
    """Create the root CA, the issuing CA, the TSA and OCSP certificates in HOME."""
    pki = Pki.init(home, at=utc_now(), name=name, days=days, ocsp_url=ocsp_url, crl_url=crl_url)
    typer.echo(say("cli-pki-root-ca", path=pki.root_path))
    typer.echo(say("cli-pki-issuing-ca", path=pki.issuing_path))
    typer.echo(f"CRL: {pki.crl_path}")


@app.command("issue", help=say("help-pki-issue"))
def issue(
    home: Home,
    agency: Annotated[str | None, typer.Option(help=say("help-pki-agency"))] = None,
    node: Annotated[str | None, typer.Option(help=say("help-pki-node"))] = None,
    org: Annotated[str | None, typer.Option(help=say("help-pki-org"))] = None,
    file_name: Annotated[str | None, typer.Option(help=say("help-pki-file-name"))] = None,
    days: Annotated[int, typer.Option(help=say("help-pki-issue-days"))] = 730,
    dns: Annotated[list[str] | None, typer.Option(help=say("help-pki-dns"))] = None,
    ip: Annotated[list[str] | None, typer.Option(help=say("help-pki-ip"))] = None,
) -> None:
    """Issue a signing certificate for an agency (--agency) or a TLS certificate for a node (--node)."""
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


@app.command("sign-csr", help=say("help-pki-sign-csr"))
def sign_csr(
    request: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help=say("help-pki-csr-file"))],
    home: Annotated[
        Path, typer.Option("--ca", "--home", help=say("help-pki-home"), envvar="LIENTHONG_PKI_HOME")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help=say("help-pki-csr-output"))],
    profile: Annotated[
        CertificateProfile, typer.Option("--profile", help=say("help-pki-csr-profile"))
    ] = CertificateProfile.TLS,
    days: Annotated[int, typer.Option("--days", min=1, help=say("help-pki-issue-days"))] = 730,
    file_name: Annotated[str | None, typer.Option(help=say("help-pki-file-name"))] = None,
) -> None:
    """Issue a certificate from a PKCS#10 request that fits PROFILE; the key stays with the requester."""
    pki = Pki(home)
    checked = read_request(request.read_bytes(), profile)
    cert, _kept = pki.issue_request(checked, at=utc_now(), days=days, name=file_name)
    try:
        output.write_bytes(cert.public_bytes(Encoding.PEM))
    except OSError as exc:
        raise PkiError(msg("cli-file-unwritable", path=output, reason=exc.strerror)) from exc
    typer.echo(say("cli-pki-certificate", path=output))
    typer.echo(say("cli-pki-serial", serial=format(cert.serial_number, "x")))
    typer.echo(say("cli-pki-chain", path=pki.issuing_path))


@app.command("revoke", help=say("help-pki-revoke"))
def revoke(
    home: Home,
    target: Annotated[str, typer.Argument(help=say("help-pki-target"))],
    reason: Annotated[str, typer.Option(help=say("help-pki-reason"))] = "unspecified",
) -> None:
    """Revoke a certificate and publish a new CRL."""

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


@app.command("crl", help=say("help-pki-crl"))
def crl(
    home: Home,
    next_update_days: Annotated[int, typer.Option(help=say("help-pki-next-update-days"))] = 7,
) -> None:
    """Publish new CRLs (of the issuing CA and the root CA) to crl.pem."""
    pki = Pki(home)
    typer.echo(str(pki.write_crl(at=utc_now(), next_update=timedelta(days=next_update_days))))
    _publish_hint(pki)


@app.command("serve", help=say("help-pki-serve"))
def serve(
    home: Home,
    port: Annotated[int, typer.Option(help=say("help-pki-port"))] = 0,
) -> None:
    """Run OCSP, TSA and CRL download on 127.0.0.1 until Ctrl-C."""
    with serve_pki(Pki(home), port=port) as services:
        typer.echo(f"OCSP: {services.ocsp_url}")
        typer.echo(f"TSA: {services.tsa_url}")
        typer.echo(f"CRL: {services.crl_url}")
        while True:
            time.sleep(3600)
