"""The directory's configuration key signs through a ``trust.Signer``: the same signature
formats (RS256, ES256 as DER) as a key held directly, and the same file-loading behaviour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from lienthong._i18n import Message, msg
from lienthong.directory import (
    DirectoryKey,
    DirectoryKeyError,
    DirectorySnapshot,
    build_configuration,
    verify_configuration,
)
from lienthong.trust import KeySigner
from support.pki import GeneratedPki, issue_for_key, self_signed, stray_key, stray_rsa_key
from support.softhsm import Token

ISSUED = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)
DATA = b"lienthong configuration bytes"


def test_an_rsa_key_signs_byte_for_byte_as_before_through_a_signer() -> None:
    key = stray_rsa_key()
    certificate = self_signed("rsa directory", key)
    through_signer = DirectoryKey(KeySigner(key, certificate))
    assert isinstance(through_signer.signer, KeySigner)
    # PKCS#1 v1.5 is deterministic: the very bytes a key held directly makes (RS256).
    direct = key.sign(DATA, padding.PKCS1v15(), hashes.SHA256())
    assert through_signer.sign(DATA) == direct == DirectoryKey(key, certificate).sign(DATA)
    assert through_signer.algorithm == "RS256"


def test_an_ec_key_signs_der_ecdsa_through_a_signer() -> None:
    key = stray_key()
    certificate = self_signed("ec directory", key)
    directory_key = DirectoryKey(KeySigner(key, certificate))
    signature = directory_key.sign(DATA)
    decode_dss_signature(signature)  # DER SEQUENCE {r, s}, as ES256 configurations carried
    directory_key.anchor().verify(signature, DATA)
    key.public_key().verify(signature, DATA, ec.ECDSA(hashes.SHA256()))
    assert directory_key.algorithm == "ES256"


def test_a_configuration_signed_through_a_signer_verifies_with_the_anchor() -> None:
    key = stray_key()
    certificate = self_signed("directory", key, not_before=ISSUED - timedelta(days=1), days=30)
    directory_key = DirectoryKey(KeySigner(key, certificate))
    data = build_configuration(DirectorySnapshot(version=3), directory_key, directory="d", issued_at=ISSUED)
    assert verify_configuration(data, directory_key.anchor(), at=ISSUED).version == 3


def _write(
    folder: Path, key: ec.EllipticCurvePrivateKey, certificate_of: ec.EllipticCurvePrivateKey
) -> tuple[Path, Path]:
    key_path, cert_path = folder / "directory.key.pem", folder / "directory.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(self_signed("directory", certificate_of).public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def test_load_from_files_keeps_its_behaviour(tmp_path: Path) -> None:
    key = stray_key()
    loaded = DirectoryKey.load(*_write(tmp_path, key, key))
    assert isinstance(loaded.signer, KeySigner) and loaded.private_key is loaded.signer.private_key
    loaded.anchor().verify(loaded.sign(DATA), DATA)
    with pytest.raises(DirectoryKeyError) as mismatch:
        DirectoryKey.load(*_write(tmp_path, stray_key(), key))
    assert mismatch.value.message == msg("directory-key-certificate-mismatch")
    with pytest.raises(DirectoryKeyError) as unreadable:
        DirectoryKey.load(tmp_path / "missing.key.pem", tmp_path / "directory.pem")
    assert isinstance(unreadable.value.message, Message)
    assert unreadable.value.message.code == "directory-private-key-unreadable"


@pytest.mark.parametrize("name", ["ec", "rsa"])
def test_a_directory_key_in_a_token_signs_configurations_nodes_accept(
    name: str, softhsm: Token, test_pki: GeneratedPki, tmp_path: Path
) -> None:
    certificate = issue_for_key(test_pki.pki, softhsm.public_keys[name], tmp_path / "directory.pem")
    directory_key = DirectoryKey.load(softhsm.uri(name), certificate)
    try:
        assert not isinstance(directory_key.signer, KeySigner)
        assert directory_key.algorithm == {"ec": "ES256", "rsa": "RS256"}[name]
        now = datetime.now(UTC)
        data = build_configuration(DirectorySnapshot(version=5), directory_key, directory="d", issued_at=now)
        assert verify_configuration(data, directory_key.anchor(), at=now).version == 5
        with pytest.raises(DirectoryKeyError):  # the key never leaves the token
            _ = directory_key.private_key
    finally:
        directory_key.signer.close()
