"""`lienthong trust sign` and `sign-pdf` with a key in a PKCS#11 token (SoftHSM2), run as a
user runs them: ``--key 'pkcs11:token=T;object=O;pin-source=file:P'``, and one line, exit 1,
no traceback for each way the key cannot be used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.pki import SENDER, GeneratedPki, issue_for_key
from support.softhsm import Token
from trust.trust_pdf import minimal_pdf
from trust.trust_support import package


def cli(*args: str | Path) -> tuple[int, str, str]:
    # The module path is given as a variable here, as an operator sets it once for the host.
    env = {**os.environ, "LIENTHONG_PKCS11_MODULE": "/usr/lib/softhsm/libsofthsm2.so"}
    result = subprocess.run(  # noqa: PLW1510 - callers check the code
        [sys.executable, "-m", "lienthong.cli", "--lang", "en", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return result.returncode, result.stdout, result.stderr


@pytest.fixture(scope="module")
def rsa_cert(test_pki: GeneratedPki, softhsm: Token, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-token")
    return issue_for_key(test_pki.pki, softhsm.public_keys["rsa"], folder / "rsa.pem", agency_code=SENDER)


def _uri(softhsm: Token, pin: Path | None = None, label: str = "rsa") -> str:
    return f"pkcs11:token={softhsm.label};object={label};pin-source=file:{pin or softhsm.pin_file}"


def test_sign_and_sign_pdf_with_a_token_key_then_verify(
    test_pki: GeneratedPki, softhsm: Token, rsa_cert: Path, tmp_path: Path
) -> None:
    chain = test_pki.pki.issuing_path
    trust = ("--trust", test_pki.pki.root_path)
    source = tmp_path / "package.edxml"
    source.write_bytes(package(SENDER))
    signed = tmp_path / "signed.edxml"
    key = _uri(softhsm)
    code, out, err = cli(
        "trust", "sign", source, "--key", key, "--cert", rsa_cert, "--chain", chain, "-o", signed
    )
    assert code == 0, err
    assert cli("trust", "verify", signed, *trust)[0] == 0
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(minimal_pdf())
    signed_pdf = tmp_path / "signed.pdf"
    code, _, err = cli(
        "trust", "sign-pdf", pdf, "--key", key, "--cert", rsa_cert, "--chain", chain, "-o", signed_pdf
    )
    assert code == 0, err
    code, out, _ = cli("trust", "verify-pdf", signed_pdf, *trust)
    assert code == 0, out


def test_a_key_that_cannot_be_used_is_one_line_and_exit_1(
    test_pki: GeneratedPki, softhsm: Token, rsa_cert: Path, tmp_path: Path
) -> None:
    source = tmp_path / "package.edxml"
    source.write_bytes(package(SENDER))
    wrong = tmp_path / "wrong-pin"
    wrong.write_text("111111\n")
    wrong.chmod(0o600)
    other_cert = next(iter(test_pki.issued.values())).cert_path  # an agency key, not the token's
    cases = {
        "wrong PIN": (_uri(softhsm, wrong), rsa_cert),
        "not found": (f"pkcs11:token=absent;object=rsa;pin-source=file:{softhsm.pin_file}", rsa_cert),
        "no private key": (_uri(softhsm, label="absent"), rsa_cert),
        "does not match": (_uri(softhsm), other_cert),
        "pin-value": (f"pkcs11:token={softhsm.label};object=rsa;pin-value=246810", rsa_cert),
        "PKCS#11 module": (_uri(softhsm) + ";module-path=/nonexistent/p11.so", rsa_cert),
    }
    # sign-pdf takes its key through the same load_signer: one case shows its exit and line.
    runs = [("sign", words, key, cert) for words, (key, cert) in cases.items()]
    for command, words, key, cert in [*runs, ("sign-pdf", "wrong PIN", *cases["wrong PIN"])]:
        args = ("trust", command, source, "--key", key, "--cert", cert, "-o", tmp_path / "out")
        code, out, err = cli(*args)
        assert code == 1, (words, out, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, (words, err)
        assert words in err, (words, err)
    assert not (tmp_path / "out").exists()
