"""The `lienthong pki` and `lienthong trust` commands, run as a user runs them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from trust.trust_pdf import minimal_pdf
from trust.trust_support import package, run

LIENTHONG = Path(sys.executable).with_name("lienthong")
CODE = "000.00.00.H41"


def cli(*args: str | Path) -> tuple[int, str, str]:
    result = run(LIENTHONG, "--lang", "en", *args)
    return result.returncode, result.stdout, result.stderr


def test_pki_sign_verify_revoke_round_trip(tmp_path: Path) -> None:
    home = tmp_path / "pki"
    assert cli("pki", "init", "--home", home)[0] == 0
    code, out, _ = cli("pki", "issue", "--home", home, "--agency", CODE, "--org", "UBND tỉnh Nghệ An")
    assert code == 0 and "certs/" in out
    key, cert = home / "certs" / f"{CODE}.key.pem", home / "certs" / f"{CODE}.pem"
    source = tmp_path / "package.edxml"
    source.write_bytes(package(CODE))
    signed = tmp_path / "signed.edxml"
    code, _, err = cli(
        "trust", "sign", source, "--key", key, "--cert", cert, "--chain", home / "issuing.pem", "-o", signed
    )
    assert code == 0, err
    trust = ("--trust", str(home / "root.pem"), "--crl", str(home / "crl.pem"))
    code, out, _ = cli("trust", "verify", signed, *trust, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True and data["agency_code"] == CODE and data["weak"] is False
    assert {"valid", "signer", "agency_code", "algorithm", "weak", "problem"} <= data.keys()
    assert cli("pki", "revoke", "--home", home, CODE, "--reason", "keyCompromise")[0] == 0
    code, out, _ = cli("trust", "verify", signed, *trust)
    assert code == 1 and "revoked" in out
    assert cli("pki", "crl", "--home", home)[0] == 0


def test_node_certificate_and_pdf_commands(tmp_path: Path) -> None:
    home = tmp_path / "pki"
    assert cli("pki", "init", "--home", home)[0] == 0
    code, out, _ = cli(
        "pki", "issue", "--home", home, "--node", "node-a", "--dns", "localhost", "--ip", "127.0.0.1"
    )
    assert code == 0 and "node-a.pem" in out
    assert cli("pki", "issue", "--home", home, "--agency", CODE)[0] == 0
    pdf = tmp_path / "plain.pdf"
    pdf.write_bytes(minimal_pdf())
    signed = tmp_path / "signed.pdf"
    code, _, err = cli(
        "trust",
        "sign-pdf",
        pdf,
        "--key",
        home / "certs" / f"{CODE}.key.pem",
        "--cert",
        home / "certs" / f"{CODE}.pem",
        "--chain",
        home / "issuing.pem",
        "-o",
        signed,
    )
    assert code == 0, err
    code, out, _ = cli("trust", "verify-pdf", signed, "--trust", home / "root.pem", "--json")
    assert code == 0
    (entry,) = json.loads(out)
    assert entry["valid"] and entry["intact"] and entry["trusted"] and not entry["revoked"]
    assert {"signer", "signing_time", "problem"} <= entry.keys()
    assert cli("trust", "verify-pdf", pdf, "--trust", home / "root.pem")[0] == 1  # no signature


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    code, _, err = cli("trust", "verify", tmp_path / "missing.edxml", "--trust", tmp_path / "missing.pem")
    assert code == 1 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:")
    code, _, err = cli("pki", "issue", "--home", tmp_path / "nothing", "--agency", CODE)
    assert code == 1 and "Traceback" not in err and "PKI home" in err
    code, _, err = cli("trust", "verify", tmp_path, "--trust", tmp_path)
    assert code == 1 and "Traceback" not in err


def test_verify_reports_the_pdf_signatures_inside_the_attachments(tmp_path: Path) -> None:
    """`trust verify` opens each PDF attachment, zip-wrapped or not, and verifies its signatures."""
    from datetime import datetime

    from lienthong.edxml import VIETNAM_TZ, DocumentBuilder, write_package

    home = tmp_path / "pki"
    assert cli("pki", "init", "--home", home)[0] == 0
    assert cli("pki", "issue", "--home", home, "--agency", CODE)[0] == 0
    key, cert, chain = (
        home / "certs" / f"{CODE}.key.pem",
        home / "certs" / f"{CODE}.pem",
        home / "issuing.pem",
    )
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(minimal_pdf())
    signed_pdf = tmp_path / "signed.pdf"
    assert (
        cli("trust", "sign-pdf", plain, "--key", key, "--cert", cert, "--chain", chain, "-o", signed_pdf)[0]
        == 0
    )
    package_bytes = write_package(
        DocumentBuilder()
        .sender(CODE)
        .recipient("000.00.00.G22")
        .code("12", "UBND-VP")
        .subject("Văn bản có chữ ký số")
        .attach("quyet-dinh.pdf", signed_pdf.read_bytes())
        .attach("phu-luc.pdf", signed_pdf.read_bytes(), zip_wrapped=True)
        .attach("ban-nhap.pdf", plain.read_bytes())
        .build(at=datetime.now(VIETNAM_TZ))
    )
    source, signed = tmp_path / "package.edxml", tmp_path / "signed.edxml"
    source.write_bytes(package_bytes)
    assert cli("trust", "sign", source, "--key", key, "--cert", cert, "--chain", chain, "-o", signed)[0] == 0
    trust = ("--trust", str(home / "root.pem"), "--crl", str(home / "crl.pem"))
    code, out, err = cli("trust", "verify", signed, *trust, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["valid"] is True
    by_name = {entry["name"]: entry for entry in data["attachments"]}
    assert by_name["quyet-dinh.pdf"]["valid"] and not by_name["quyet-dinh.pdf"]["zip_wrapped"]
    assert by_name["phu-luc.pdf"]["valid"] and by_name["phu-luc.pdf"]["zip_wrapped"]
    (signature,) = by_name["phu-luc.pdf"]["signatures"]
    assert signature["intact"] and signature["trusted"] and CODE in (signature["signer"] or "")
    assert by_name["ban-nhap.pdf"]["signed"] is False
    # An unsigned PDF refuses nothing unless policy says so.
    assert cli("trust", "verify", signed, *trust, "--require-pdf-signatures")[0] == 1
    code, out, _ = cli("trust", "verify", signed, *trust)
    assert code == 0 and "ban-nhap.pdf: PDF not signed" in out


def test_revoke_and_crl_say_how_the_network_learns_of_it(tmp_path: Path) -> None:
    home = tmp_path / "pki"
    assert cli("pki", "init", "--home", home)[0] == 0
    assert cli("pki", "issue", "--home", home, "--agency", CODE, "--org", "VPCP")[0] == 0
    for args in (("revoke", "--home", home, CODE), ("crl", "--home", home)):
        code, out, _ = cli("pki", *args)
        assert code == 0
        assert f"directory crls add {home / 'crl.pem'} --ca {home / 'issuing.pem'}" in out
