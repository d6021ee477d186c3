"""Signing with a key in a PKCS#11 token (SoftHSM2): packages that xmlsec1 accepts, PDFs that
pdfsig accepts, the session pool under threads, and one clear error per way a token fails."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from lienthong._i18n import Message, render
from lienthong.trust import (
    KeyLoadError,
    KeyType,
    Pkcs11Signer,
    Signer,
    TrustError,
    load_signer,
    sign_package,
    sign_pdf,
    verify_package,
    verify_pdf,
)
from support.pki import SENDER, GeneratedPki, issue_for_key
from support.softhsm import Token
from trust.trust_pdf import minimal_pdf
from trust.trust_support import assert_valid, nss_db, package, run, tool


@pytest.fixture(scope="module")
def certs(
    test_pki: GeneratedPki, softhsm: Token, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """The token keys' certificates, issued by the TRUST plan's CA to the sender."""
    folder = tmp_path_factory.mktemp("token-certs")
    return {
        name: issue_for_key(test_pki.pki, public, folder / f"{name}.pem")
        for name, public in softhsm.public_keys.items()
    }


def _code(error: TrustError) -> str:
    assert isinstance(error.message, Message), error.message
    return error.message.code


def _signer(test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path], name: str) -> Signer:
    return load_signer(softhsm.uri(name), certs[name], [test_pki.pki.issuing_path])


@pytest.fixture(scope="module")
def rsa_signer(test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path]) -> Signer:
    return _signer(test_pki, softhsm, certs, "rsa")


@pytest.fixture(scope="module")
def ec_signer(test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path]) -> Signer:
    return _signer(test_pki, softhsm, certs, "ec")


def test_token_signers_say_what_key_they_hold(rsa_signer: Signer, ec_signer: Signer) -> None:
    assert isinstance(rsa_signer, Pkcs11Signer) and isinstance(ec_signer, Pkcs11Signer)
    assert rsa_signer.key_type is KeyType.RSA and rsa_signer.key_size == 2048
    assert ec_signer.key_type is KeyType.EC_P256
    # The signatures are the ones the certificate's public key verifies, encoded as X.509 does.
    public = rsa_signer.public_key
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(rsa_signer.sign_raw(b"data", hashes.SHA256()), b"data", padding.PKCS1v15(), hashes.SHA256())
    public_ec = ec_signer.public_key
    assert isinstance(public_ec, ec.EllipticCurvePublicKey)
    public_ec.verify(ec_signer.sign_raw(b"data", hashes.SHA256()), b"data", ec.ECDSA(hashes.SHA256()))


def test_package_signed_in_the_token_verifies_here_and_with_xmlsec1(
    test_pki: GeneratedPki, rsa_signer: Signer, tmp_path: Path
) -> None:
    signed = sign_package(package(SENDER), rsa_signer)
    report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=datetime.now(UTC))
    assert_valid(report)
    xmlsec1 = tool("xmlsec1")
    target = tmp_path / "signed.edxml"
    target.write_bytes(signed)
    trust = ("--trusted-pem", test_pki.pki.root_path, "--untrusted-pem", test_pki.pki.issuing_path)
    result = run(xmlsec1, "--verify", *trust, target)
    assert result.returncode == 0, result.stderr


def test_package_refused_for_an_ec_key_before_signing(ec_signer: Signer) -> None:
    # Peers accept RSA package signatures only: an ECDSA one would be refused at each of them.
    with pytest.raises(KeyLoadError) as raised:
        sign_package(package(SENDER), ec_signer)
    assert _code(raised.value) == "trust-package-key-not-rsa"


@pytest.mark.parametrize("name", ["rsa", "ec"])
def test_pdf_signed_in_the_token_verifies_here_and_with_pdfsig(
    test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path], tmp_path: Path, name: str
) -> None:
    signer = _signer(test_pki, softhsm, certs, name)
    signed = sign_pdf(minimal_pdf(), signer)
    (report,) = verify_pdf(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=datetime.now(UTC))
    assert report.valid and report.intact and report.trusted, report.problem
    pdfsig = tool("pdfsig")
    target = tmp_path / "signed.pdf"
    target.write_bytes(signed)
    result = run(pdfsig, "-nssdir", nss_db(test_pki.pki.root_path, tmp_path / "nss"), target)
    assert "Signature is Valid" in result.stdout, result.stdout + result.stderr
    assert "Certificate is Trusted" in result.stdout, result.stdout
    signer.close()


def test_threads_sign_at_once_through_one_session(rsa_signer: Signer) -> None:
    # SoftHSM, initialised without locking, fails two signatures at the same moment: each one
    # holds the module's lock, so twelve threads all get good signatures.
    assert isinstance(rsa_signer, Pkcs11Signer)
    public = rsa_signer.public_key
    assert isinstance(public, rsa.RSAPublicKey)
    messages = [f"receipt {i}".encode() for i in range(48)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        signatures = list(pool.map(lambda m: rsa_signer.sign_raw(m, hashes.SHA256()), messages))
    for message, signature in zip(messages, signatures, strict=True):
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


def test_a_closed_signer_refuses_to_sign(
    test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path]
) -> None:
    signer = _signer(test_pki, softhsm, certs, "ec")
    signer.close()
    with pytest.raises(TrustError) as raised:
        signer.sign_raw(b"x", hashes.SHA256())
    assert _code(raised.value) == "trust-pkcs11-closed"


def _refusal(key: str, cert: Path, chain: Path) -> str:
    with pytest.raises(TrustError) as raised:
        load_signer(key, cert, [chain])
    assert "\n" not in render(raised.value.message, "vi")
    return _code(raised.value)


def test_each_failure_has_its_own_message(
    test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path], tmp_path: Path
) -> None:
    chain = test_pki.pki.issuing_path
    uri = softhsm.uri("rsa")
    wrong_pin = tmp_path / "wrong-pin"
    wrong_pin.write_text("000000")
    wrong_pin.chmod(0o600)
    open_pin = tmp_path / "open-pin"
    open_pin.write_text("000000")
    open_pin.chmod(0o644)
    assert _refusal(uri.replace(str(softhsm.module), "/nonexistent/p11.so"), certs["rsa"], chain) == (
        "trust-pkcs11-module-missing"
    )
    assert _refusal(uri.replace(f"token={softhsm.label}", "token=absent"), certs["rsa"], chain) == (
        "trust-pkcs11-token-not-found"
    )
    assert (
        _refusal(softhsm.uri("rsa", pin_file=wrong_pin), certs["rsa"], chain) == "trust-pkcs11-pin-incorrect"
    )
    assert _refusal(softhsm.uri("rsa", pin_file=open_pin), certs["rsa"], chain) == "trust-file-mode-open"
    assert _refusal(softhsm.uri("absent"), certs["rsa"], chain) == "trust-pkcs11-object-not-found"
    assert _refusal(uri, certs["ec"], chain) == "trust-key-certificate-mismatch"
    assert _refusal(uri + "&pin-value=246810", certs["rsa"], chain) == "trust-pkcs11-pin-value-refused"


def test_the_pin_may_come_from_the_environment(
    test_pki: GeneratedPki, softhsm: Token, certs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = f"pkcs11:token={softhsm.label};id=%02?pin-source=env:TOKEN_PIN"
    environ = {
        "TOKEN_PIN": softhsm.pin_file.read_text().strip(),
        "LIENTHONG_PKCS11_MODULE": str(softhsm.module),
    }
    signer = load_signer(uri, certs["ec"], [test_pki.pki.issuing_path], environ=environ)
    assert signer.key_type is KeyType.EC_P256
    signer.close()
