"""PDF signatures: PAdES with a live TSA, refusals, interop with poppler's pdfsig (NSS), and a
time-stamp proving a signature made before its certificate expired."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from lienthong._i18n import render
from lienthong.trust import PdfSigningError, load_private_key, serve_pki, sign_pdf, verify_pdf
from support.pki import AT, PKI_START, SENDER, GeneratedPki, agency_signer
from trust.trust_pdf import minimal_pdf
from trust.trust_support import nss_db, run, tool


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def signed_pdf(test_pki: GeneratedPki) -> bytes:
    """A PDF signed PAdES B-T by the sender, time-stamped by the PKI's live TSA."""
    with serve_pki(test_pki.pki) as services:
        return sign_pdf(minimal_pdf(), test_pki.signers["sender"], tsa_url=services.tsa_url, visible=True)


def test_signed_pdf_verifies_with_time_stamp(test_pki: GeneratedPki, signed_pdf: bytes) -> None:
    before = _now()
    (report,) = verify_pdf(signed_pdf, anchors=test_pki.anchors, crls=test_pki.crls, at=_now())
    assert report.valid and report.intact and report.trusted and not report.revoked
    assert report.problem is None
    assert report.signer is not None and f"OU={SENDER}" in report.signer
    assert report.timestamped and report.signing_time is not None
    assert before - timedelta(minutes=5) <= report.signing_time <= _now()
    data = report.to_dict()
    assert {"valid", "intact", "trusted", "revoked", "signer", "signing_time", "problem"} <= data.keys()


def test_second_signature_gives_two_reports(test_pki: GeneratedPki, signed_pdf: bytes) -> None:
    twice = sign_pdf(signed_pdf, test_pki.signers["other"])
    reports = verify_pdf(twice, anchors=test_pki.anchors, crls=test_pki.crls, at=_now())
    assert [r.valid for r in reports] == [True, True]
    assert reports[0].field_name != reports[1].field_name
    assert not reports[1].timestamped  # B-B: the signing time is the signer's claim


def test_pdf_changed_after_signing_is_refused(test_pki: GeneratedPki, signed_pdf: bytes) -> None:
    tampered = bytearray(signed_pdf)
    index = tampered.index(b"Van ban")
    tampered[index] = ord("X")
    (report,) = verify_pdf(bytes(tampered), anchors=test_pki.anchors, at=_now())
    assert not report.valid and not report.intact
    assert report.problem is not None and report.problem.code == "trust-pdf-not-intact"
    assert "changed after signing" in render(report.problem, "en")
    assert "bị sửa sau khi ký" in render(report.problem, "vi")
    # An incremental update that replaces the page content keeps the signed bytes intact,
    # but is a change PAdES does not allow.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 30 Tf 72 600 Td (FORGED) Tj ET")
    )
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    (report,) = verify_pdf(out.getvalue(), anchors=test_pki.anchors, at=_now())
    assert report.intact and not report.unmodified and not report.valid
    assert report.problem is not None and report.problem.code == "trust-pdf-modified"
    assert "changed after signing" in render(report.problem, "en")


def test_untrusted_and_revoked_pdf_signers_are_refused(test_pki: GeneratedPki, signed_pdf: bytes) -> None:
    (report,) = verify_pdf(signed_pdf, anchors=[test_pki.foreign.root], at=_now())
    assert report.intact and not report.trusted and not report.valid
    assert report.problem is not None and "not trusted" in render(report.problem, "en")
    assert "trust-pdf-signer-untrusted" in (
        report.problem.code,
        getattr(report.problem.params.get("problem"), "code", None),
    )
    revoked = sign_pdf(minimal_pdf(), test_pki.signers["revoked"])
    (report,) = verify_pdf(revoked, anchors=test_pki.anchors, crls=test_pki.crls, at=AT)
    assert report.revoked and not report.valid
    assert report.problem is not None and report.problem.code == "trust-pdf-signer-revoked"
    assert "revoked" in render(report.problem, "en")
    english, vietnamese = report.to_dict("en"), report.to_dict("vi")
    assert english["problem"] == "the signer's certificate is revoked"
    assert vietnamese["problem"] == "chứng thư của người ký đã bị thu hồi"
    assert (
        english["problem_message"]
        == vietnamese["problem_message"]
        == {"code": "trust-pdf-signer-revoked", "params": {}}
    )


def test_not_a_pdf(test_pki: GeneratedPki) -> None:
    with pytest.raises(PdfSigningError):
        sign_pdf(b"not a pdf", test_pki.signers["sender"])
    with pytest.raises(PdfSigningError):
        verify_pdf(b"not a pdf", anchors=test_pki.anchors, at=AT)
    assert verify_pdf(minimal_pdf(), anchors=test_pki.anchors, at=AT) == []


def test_pdfsig_says_our_signature_is_valid(
    test_pki: GeneratedPki, signed_pdf: bytes, tmp_path: Path
) -> None:
    pdfsig = tool("pdfsig")
    db = nss_db(test_pki.pki.root_path, tmp_path / "nss")
    target = tmp_path / "signed.pdf"
    target.write_bytes(signed_pdf)
    result = run(pdfsig, "-nssdir", db, target)
    assert "Signature is Valid" in result.stdout, result.stdout + result.stderr
    assert "Certificate is Trusted" in result.stdout, result.stdout


def test_we_validate_a_pdf_signed_by_pdfsig(test_pki: GeneratedPki, tmp_path: Path) -> None:
    pdfsig = tool("pdfsig")
    pk12util = tool("pk12util")
    db = nss_db(test_pki.pki.root_path, tmp_path / "nss")
    issued = test_pki.issued["sender"]
    bundle = tmp_path / "agency.p12"
    bundle.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"agency",
            load_private_key(issued.key_path),
            issued.certificate,
            [test_pki.pki.issuing],
            BestAvailableEncryption(b"mat-khau"),
        )
    )
    result = run(pk12util, "-i", bundle, "-d", db, "-W", "mat-khau")
    assert result.returncode == 0, result.stderr
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(minimal_pdf())
    out = tmp_path / "poppler-signed.pdf"
    result = run(
        pdfsig,
        "-nssdir",
        db,
        "-add-signature",
        "-nick",
        "agency",
        "-new-signature-field-name",
        "PopplerSig",
        "-reason",
        "Phe duyet",
        plain,
        out,
    )
    assert result.returncode == 0, result.stderr
    (report,) = verify_pdf(out.read_bytes(), anchors=test_pki.anchors, crls=test_pki.crls, at=_now())
    assert report.field_name == "PopplerSig"
    assert report.valid and report.intact and report.trusted, report.problem
    assert report.signer is not None and SENDER in report.signer


def test_a_time_stamp_proves_a_pdf_signed_before_its_certificate_expired(test_pki: GeneratedPki) -> None:
    # An agency's certificate lasting about a day past now, then renewed: what it signed with a
    # time-stamp (B-T) still verifies once it has expired; without one (B-B) it does not.
    short = agency_signer(test_pki.pki.issuer, SENDER, at=PKI_START, days=31)
    with serve_pki(test_pki.pki) as services:
        stamped = sign_pdf(minimal_pdf(), short, tsa_url=services.tsa_url)
    later = short.certificate.not_valid_after_utc + timedelta(days=2)
    (report,) = verify_pdf(stamped, anchors=test_pki.anchors, crls=test_pki.crls, at=later)
    assert report.timestamped and report.valid, report.detail
    (unstamped,) = verify_pdf(sign_pdf(minimal_pdf(), short), anchors=test_pki.anchors, at=later)
    assert not unstamped.valid and not unstamped.trusted
