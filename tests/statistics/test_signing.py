"""Reports signed through a ``trust.Signer`` (the node's seal, wherever its key lives) carry
the same signature formats as reports signed by a key held directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from lienthong.statistics import (
    Outgoing,
    SignedReport,
    StatisticsReport,
    build_report,
    sign_report,
    verify_report,
)
from lienthong.trust import KeySigner, load_signer
from support.pki import GeneratedPki, issue_for_key, self_signed, stray_key, stray_rsa_key
from support.softhsm import Token

NOW = datetime(2025, 6, 29, 20, 0, tzinfo=UTC)


def sample_report() -> StatisticsReport:
    return build_report(
        node="n1",
        agency="000.00.00.H26",
        day=date(2025, 6, 29),
        sequence=1,
        generated_at=NOW,
        outgoing=[Outgoing("d1", "000.00.00.G22", NOW - timedelta(hours=1))],
        statuses={"01": 1},
    )


def test_an_rsa_signer_signs_the_very_bytes_a_private_key_does() -> None:
    key = stray_rsa_key()
    signer = KeySigner(key, self_signed("node seal", key))
    report = sample_report()
    through_signer, direct = sign_report(report, signer), sign_report(report, key)
    assert through_signer == direct  # PKCS#1 v1.5 is deterministic: same envelope, byte for byte
    assert SignedReport.from_json(through_signer.to_json()) == direct
    assert verify_report(through_signer, signer.certificate) == report


def test_an_ec_signer_signs_der_ecdsa_the_certificate_verifies() -> None:
    key = stray_key()
    signer = KeySigner(key, self_signed("node seal", key))
    signed = sign_report(sample_report(), signer)
    decode_dss_signature(signed.signature)
    assert verify_report(signed, signer.certificate) == sample_report()


def test_a_seal_key_in_a_token_signs_reports_its_certificate_verifies(
    softhsm: Token, test_pki: GeneratedPki, tmp_path: Path
) -> None:
    certificate = issue_for_key(test_pki.pki, softhsm.public_keys["ec"], tmp_path / "seal.pem")
    signer = load_signer(softhsm.uri("ec"), certificate)
    try:
        signed = sign_report(sample_report(), signer)
    finally:
        signer.close()
    assert verify_report(SignedReport.from_json(signed.to_json()), signer.certificate) == sample_report()
