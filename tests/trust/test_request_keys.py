"""The key a request is made for, in a file or in a PKCS#11 token (SoftHSM2 in a temporary
directory): a token key the URI names is generated in the token once, then found again; the
request it signs verifies, and its private half is never extractable."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lienthong.trust import (
    CertificateProfile,
    KeyLoadError,
    RequestSubject,
    build_request,
    open_request_key,
    read_request,
)
from support.pki import stray_rsa_key

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
AGENCY = RequestSubject(CertificateProfile.AGENCY, "Văn phòng Chính phủ", agency_code="000.00.00.G22")


@pytest.fixture
def token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SoftHSM2 token ``enrol`` (PIN in a 0600 file); yields the URI prefix naming it."""
    if shutil.which("softhsm2-util") is None or not MODULE.is_file():
        pytest.skip("softhsm2 not installed (scripts/install-system-deps.sh)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", "enrol", "--pin", "1234", "--so-pin", "5678"],
        check=True, capture_output=True, env={**os.environ, "SOFTHSM2_CONF": str(conf)}, timeout=60,
    )  # fmt: skip
    pin = tmp_path / "pin"
    pin.write_text("1234\n")
    pin.chmod(0o600)
    return f"pkcs11:token=enrol;object={{}}?pin-source=file:{pin}&module-path={MODULE}"


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


def test_a_wrong_pin_is_one_clear_error(token: str, tmp_path: Path) -> None:
    (tmp_path / "pin").write_text("0000\n")
    with pytest.raises(KeyLoadError), open_request_key(token.format("x")):
        pass
