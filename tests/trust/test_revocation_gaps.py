"""A CA of the path without a current CRL is a gap, not a stop: every other certificate keeps
passing (unchecked, the gap named and logged) and a revoked one whose CRL is there stays refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from cryptography import x509

from lienthong.trust import ChainStatus, _chain, sign_package, verify_package
from lienthong.trust._chain import ChainResult, validate_chain
from support.pki import AT, SENDER, GeneratedPki, root_crl
from trust.trust_support import package

ISSUING = "CN=Lienthong Test Issuing CA,O=Lienthong Test,C=VN"
ROOT = "CN=Lienthong Test Root CA,O=Lienthong Test,C=VN"


def _validate(
    test_pki: GeneratedPki,
    role: str,
    crls: Sequence[x509.CertificateRevocationList],
    *,
    at: datetime = AT,
) -> ChainResult:
    return validate_chain(
        test_pki.issued[role].certificate,
        anchors=test_pki.anchors,
        intermediates=[test_pki.pki.issuing],
        crls=crls,
        at=at,
    )


def test_names_match_the_generated_pki(test_pki: GeneratedPki) -> None:
    assert [crl.issuer.rfc4514_string() for crl in test_pki.crls] == [ISSUING, ROOT]


def test_missing_root_crl_does_not_stop_every_signer(test_pki: GeneratedPki) -> None:
    result = _validate(test_pki, "sender", test_pki.crls[:1])
    assert result.status is ChainStatus.PASSED, "one missing CRL refused a good certificate"
    assert result.revocation_gaps == (ROOT,)
    assert result.revocation_checked is False
    assert ROOT in result.detail


def test_revoked_certificate_stays_refused_when_another_crl_is_missing(test_pki: GeneratedPki) -> None:
    result = _validate(test_pki, "revoked", test_pki.crls[:1])
    assert result.status is ChainStatus.REVOKED
    assert result.revocation_reason == "key_compromise"


def test_revoked_certificate_refused_by_a_stale_crl(test_pki: GeneratedPki) -> None:
    later = AT + timedelta(days=30)  # past both CRLs' next update
    result = _validate(test_pki, "revoked", test_pki.crls, at=later)
    assert result.status is ChainStatus.REVOKED, "a stale CRL listing it let a revoked certificate pass"
    assert result.revocation_reason == "key_compromise"
    good = _validate(test_pki, "sender", test_pki.crls, at=later)
    assert good.status is ChainStatus.PASSED
    assert set(good.revocation_gaps) == {ISSUING, ROOT}


def test_complete_crls_leave_no_gap(test_pki: GeneratedPki) -> None:
    result = _validate(test_pki, "sender", test_pki.crls)
    assert result.status is ChainStatus.PASSED
    assert result.revocation_checked is True
    assert result.revocation_gaps == ()


def test_package_report_and_log_name_the_gap(
    test_pki: GeneratedPki, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_chain, "_WARNED", set())  # logged once per process: start afresh
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    with caplog.at_level("WARNING", logger="lienthong.trust.revocation"):
        report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls[1:], at=AT)
    assert report.valid, report.problem
    assert not report.revocation_checked
    assert ISSUING in report.chain_detail
    assert [r.getMessage() for r in caplog.records if ISSUING in r.getMessage()]


def test_a_pass_with_a_gap_is_not_remembered_for_another_moment(test_pki: GeneratedPki) -> None:
    later = AT + timedelta(days=30)
    assert _validate(test_pki, "other", test_pki.crls, at=later).revocation_gaps
    again = _validate(test_pki, "other", test_pki.crls, at=AT)
    assert again.revocation_checked, "a pass with stale CRLs answered for a moment they are current"


def test_a_remembered_pass_with_a_gap_keeps_to_its_moment(test_pki: GeneratedPki) -> None:
    issuing_only = test_pki.crls[:1]
    assert _validate(test_pki, "other", issuing_only).revocation_gaps == (ROOT,)
    assert _validate(test_pki, "other", issuing_only).revocation_gaps == (ROOT,)  # remembered
    later = _validate(test_pki, "other", issuing_only, at=AT + timedelta(days=30))
    assert set(later.revocation_gaps) == {ISSUING, ROOT}, "a remembered gap hid the stale CRL"


def test_a_ca_a_current_crl_lists_stays_revoked_when_another_level_has_no_crl(test_pki: GeneratedPki) -> None:
    """With a gap the validator checks no intermediate: a current root CRL listing the issuing CA
    must still refuse everything under it."""
    pki = test_pki.pki
    issuing_revoked = root_crl(
        pki,
        revoked=[pki.issuing.serial_number],
        at=AT - timedelta(hours=1),
        reason=x509.ReasonFlags.ca_compromise,
    )
    result = _validate(test_pki, "sender", [issuing_revoked])  # the issuing CA's own CRL missing: a gap
    assert result.status is ChainStatus.REVOKED, "a CA revoked by a current CRL passed beside a gap"
    assert result.revocation_reason == "ca_compromise"
