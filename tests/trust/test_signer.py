"""One Signer for every key type: an ECDSA P-256 file key signs PDFs (pdfsig accepts them),
is refused for packages before anything is signed, and a key that does not match is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from lienthong.trust import (
    KeyLoadError,
    KeySigner,
    KeyType,
    ecdsa_raw,
    load_certificate,
    sign_package,
    sign_pdf,
    verify_pdf,
)
from support.pki import SENDER, GeneratedPki, issue_for_key, stray_key
from trust.trust_pdf import minimal_pdf
from trust.trust_support import nss_db, package, run, tool


@pytest.fixture(scope="module")
def ec_signer(test_pki: GeneratedPki, tmp_path_factory: pytest.TempPathFactory) -> KeySigner:
    key = stray_key()
    cert = issue_for_key(test_pki.pki, key.public_key(), tmp_path_factory.mktemp("ec") / "ec.pem")
    return KeySigner(key, load_certificate(cert), [test_pki.pki.issuing])


def test_ec_file_key_signs_der_and_raw(ec_signer: KeySigner) -> None:
    assert ec_signer.key_type is KeyType.EC_P256 and ec_signer.max_signature_size == 72
    der = ec_signer.sign_raw(b"data", hashes.SHA256())
    public = ec_signer.public_key
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(der, b"data", ec.ECDSA(hashes.SHA256()))
    raw = ecdsa_raw(der)
    r, s = decode_dss_signature(der)
    assert len(raw) == 64 and raw == r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_ec_pdf_signature_accepted_here_and_by_pdfsig(
    test_pki: GeneratedPki, ec_signer: KeySigner, tmp_path: Path
) -> None:
    signed = sign_pdf(minimal_pdf(), ec_signer)
    (report,) = verify_pdf(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=datetime.now(UTC))
    assert report.valid, report.problem
    target = tmp_path / "signed.pdf"
    target.write_bytes(signed)
    result = run(tool("pdfsig"), "-nssdir", nss_db(test_pki.pki.root_path, tmp_path / "nss"), target)
    assert "Signature is Valid" in result.stdout, result.stdout + result.stderr


def test_ec_key_refused_for_packages_and_mismatch_refused(
    test_pki: GeneratedPki, ec_signer: KeySigner
) -> None:
    with pytest.raises(KeyLoadError):
        sign_package(package(SENDER), ec_signer)
    with pytest.raises(KeyLoadError):
        KeySigner(stray_key(), ec_signer.certificate)
