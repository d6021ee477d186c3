"""The key a request is made for, in a file or in a PKCS#11 token (the session's SoftHSM2
token): a token key the URI names is generated in the token once, then found again; the
request it signs verifies, and its private half is never extractable."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lienthong.trust import (
    CertificateProfile,
    KeyLoadError,
    RequestSubject,
    build_request,
    load_signer,
    open_request_key,
    read_request,
)
from support.pki import GeneratedPki, issue_for_key, stray_rsa_key
from support.softhsm import Token

AGENCY = RequestSubject(CertificateProfile.AGENCY, "Văn phòng Chính phủ", agency_code="000.00.00.G22")


@pytest.fixture
def token(softhsm: Token) -> str:
    """A URI template naming a new object (``{}``) in the session's SoftHSM2 token: one token a
    process, since SoftHSM reads its configuration once (``support.softhsm``)."""
    return (
        f"pkcs11:token={softhsm.label};object={{}}-{secrets.token_hex(4)}"
        f"?pin-source=file:{softhsm.pin_file}&module-path={softhsm.module}"
    )


def test_a_token_key_is_made_in_the_token_once_and_signs_its_request(token: str) -> None:
    uri = token.format("g22-2027")
    with open_request_key(uri) as made:
        assert made.generated and made.public_key.key_size == 3072
        pem = build_request(made.public_key, made.sign, AGENCY)
    checked = read_request(pem, CertificateProfile.AGENCY)
    assert checked.public_key.public_numbers() == made.public_key.public_numbers()
    with open_request_key(uri) as again:  # found, not made twice
        assert not again.generated
        assert again.public_key.public_numbers() == made.public_key.public_numbers()


def test_a_file_key_signs_as_a_token_key_does(tmp_path: Path) -> None:
    key = stray_rsa_key()
    path = tmp_path / "k.pem"
    path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    with open_request_key(path) as opened:
        pem = build_request(opened.public_key, opened.sign, AGENCY)
    assert (
        read_request(pem, CertificateProfile.AGENCY).public_key.public_numbers()
        == key.public_key().public_numbers()
    )


def test_a_wrong_pin_is_one_clear_error(token: str, softhsm: Token, tmp_path: Path) -> None:
    wrong = tmp_path / "pin"
    wrong.write_text("0000\n")
    wrong.chmod(0o600)
    uri = token.format("x").replace(f"pin-source=file:{softhsm.pin_file}", f"pin-source=file:{wrong}")
    with pytest.raises(KeyLoadError), open_request_key(uri):
        pass


def test_a_token_key_opens_while_a_signer_of_this_process_is_logged_in(
    token: str, softhsm: Token, test_pki: GeneratedPki, tmp_path: Path
) -> None:
    """A login is the process's: with a signer's session open, the request's session does not log
    in again (the token would answer "already logged in"), yet a wrong PIN is still refused."""
    certificate = issue_for_key(test_pki.pki, softhsm.public_keys["rsa"], tmp_path / "rsa.pem")
    signer = load_signer(softhsm.uri("rsa"), certificate)
    try:
        with open_request_key(token.format("while-signing")) as opened:
            pem = build_request(opened.public_key, opened.sign, AGENCY)
        assert read_request(pem, CertificateProfile.AGENCY).public_key.key_size == 3072
        wrong = tmp_path / "pin"
        wrong.write_text("0000\n")
        wrong.chmod(0o600)
        uri = token.format("y").replace(f"pin-source=file:{softhsm.pin_file}", f"pin-source=file:{wrong}")
        with pytest.raises(KeyLoadError), open_request_key(uri):
            pass
    finally:
        signer.close()
