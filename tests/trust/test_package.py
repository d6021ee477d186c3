"""Package signatures: our round trip, refusals with reasons, and interop with xmlsec1."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from lienthong._i18n import Message, render
from lienthong.errors import MalformedXML, SchemaInvalid
from lienthong.trust import (
    Algorithm,
    KeySigner,
    Namespace,
    SignatureInvalid,
    Subindication,
    VerificationReport,
    load_crls,
    serve_pki,
    sign_package,
    verify_package,
)
from support.pki import AT, OTHER, SENDER, GeneratedPki
from trust.trust_support import (
    assert_refused,
    assert_valid,
    package,
    run,
    tool,
    xmlsec1_sign,
    xmlsec1_template,
)

DS = f"{{{Namespace.DS}}}"


def _verify(test_pki: GeneratedPki, data: bytes, *, allow_sha1: bool = False) -> VerificationReport:
    return verify_package(data, anchors=test_pki.anchors, crls=test_pki.crls, at=AT, allow_sha1=allow_sha1)


def test_round_trip_is_valid_and_reports_facts(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=AT)
    assert_valid(report)
    assert report.algorithm == Algorithm.RSA_SHA256
    assert report.digest_algorithm == Algorithm.SHA256
    assert not report.weak
    assert report.agency_code == SENDER == report.sender_code
    assert report.revocation_checked
    assert [c.subject for c in report.chain[1:]] == [test_pki.pki.issuing.subject, test_pki.root.subject]
    data = report.to_dict()
    assert {"valid", "signer", "agency_code", "algorithm", "weak", "problem"} <= data.keys()
    assert data["valid"] is True and data["agency_code"] == SENDER and data["problem"] is None
    assert "OU=000.00.00.H41" in data["signer"]
    assert report.summary().startswith("PASSED ")
    report.raise_for_problem()


def test_signature_sits_last_in_header_with_its_namespace(test_pki: GeneratedPki) -> None:
    placeholder = "\n      <edXML:DigitalSignature/>"
    signed = sign_package(package(SENDER, extra_header=placeholder), test_pki.signers["sender"])
    root = etree.fromstring(signed)
    header = root.find(f"{{{Namespace.EDXML}}}edXMLEnvelope/{{{Namespace.EDXML}}}edXMLHeader")
    assert header is not None
    signature = header[-1]
    assert signature.tag == f"{DS}Signature"
    assert signature.nsmap.get("ds") == Namespace.DS
    assert b'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"' in etree.tostring(signature)
    assert header.find(f"{{{Namespace.EDXML}}}DigitalSignature") is not None  # left alone
    transforms = [t.get("Algorithm") for t in signature.iter(f"{DS}Transform")]
    assert transforms == [Algorithm.ENVELOPED, Algorithm.EXC_C14N]
    reference = signature.find(f"{DS}SignedInfo/{DS}Reference")
    assert reference is not None and reference.get("URI") == ""
    subject = signature.find(f"{DS}KeyInfo/{DS}X509Data/{DS}X509SubjectName")
    assert subject is not None and "000.00.00.H41" in (subject.text or "")
    assert len(signature.findall(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")) == 2
    assert signed.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_signing_refuses_bad_input(test_pki: GeneratedPki) -> None:
    signer = test_pki.signers["sender"]
    with pytest.raises(MalformedXML):
        sign_package(b"<edXML", signer)
    with pytest.raises(SchemaInvalid):
        sign_package(b"<edXML/>", signer)
    signed = sign_package(package(SENDER), signer)
    with pytest.raises(SchemaInvalid) as caught:
        sign_package(signed, signer)
    assert caught.value.code == "already-signed"


def test_tampered_content_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    tampered = signed.replace("triển khai".encode(), "hủy bỏ".encode())
    report = _verify(test_pki, tampered)
    assert_refused(report, Subindication.HASH_FAILURE, "changed after signing", code="trust-digest-mismatch")
    assert report.signature_ok is True and report.digest_ok is False
    with pytest.raises(SignatureInvalid) as caught:
        report.raise_for_problem()
    assert caught.value.report is report


def test_tampered_signed_info_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    root = etree.fromstring(signed)
    value = root.find(f".//{DS}DigestValue")
    assert value is not None
    value.text = "A" + (value.text or "")[1:]
    report = _verify(test_pki, etree.tostring(root))
    assert_refused(
        report, Subindication.SIG_CRYPTO_FAILURE, "signature value", code="trust-signature-value-mismatch"
    )


def test_unknown_root_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.foreign_signer)
    report = _verify(test_pki, signed)
    assert_refused(
        report, Subindication.NO_CERTIFICATE_CHAIN_FOUND, "trusted root", code="trust-chain-no-path"
    )
    assert report.intact and not report.trusted


def test_revoked_certificate_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["revoked"])
    report = _verify(test_pki, signed)
    assert_refused(report, Subindication.REVOKED, "revoked", code="trust-chain-revoked")
    assert report.revoked and report.revocation_reason == "key_compromise"
    assert report.revoked_at == (AT - timedelta(days=1))
    # Validated for a moment before the revocation took effect, with a CRL of that moment
    # that already lists it, the same signature passes: revocation has a date.
    earlier = AT - timedelta(days=2)
    crl_then = test_pki.pki.write_crl(at=earlier - timedelta(hours=1))
    try:
        old = verify_package(signed, anchors=test_pki.anchors, crls=load_crls([crl_then]), at=earlier)
        assert_valid(old)
    finally:
        test_pki.pki.write_crl(at=AT - timedelta(hours=1))


def test_expired_certificate_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["expired"])
    report = _verify(test_pki, signed)
    assert_refused(
        report, Subindication.OUT_OF_BOUNDS_NO_POE, "expired", code="trust-chain-expired-no-timestamp"
    )


def test_signer_whose_code_differs_from_sender_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["other"])
    report = _verify(test_pki, signed)
    assert_refused(
        report, Subindication.SIG_CONSTRAINTS_FAILURE, OTHER, SENDER, code="trust-signer-not-sender"
    )
    assert report.problem is not None and report.problem.params == {"agency": OTHER, "sender": SENDER}
    assert report.intact and report.trusted and not report.sender_bound
    english, vietnamese = report.to_dict("en"), report.to_dict("vi")
    assert english["problem"] == f"certificate issued to {OTHER} but the package is from {SENDER}"
    assert vietnamese["problem"] == f"chứng thư cấp cho {OTHER} nhưng gói tin gửi từ {SENDER}"
    assert (
        english["problem_message"]
        == vietnamese["problem_message"]
        == {
            "code": "trust-signer-not-sender",
            "params": {"agency": OTHER, "sender": SENDER},
        }
    )
    with pytest.raises(SignatureInvalid) as caught:
        report.raise_for_problem()
    assert caught.value.message == report.problem


def test_missing_misplaced_and_partial_signatures_are_refused(test_pki: GeneratedPki) -> None:
    report = _verify(test_pki, package(SENDER))
    assert_refused(report, Subindication.FORMAT_FAILURE, "no ds:Signature", code="trust-signature-missing")
    report = _verify(test_pki, b"not xml")
    assert_refused(report, Subindication.FORMAT_FAILURE, "XML", code="trust-not-well-formed")
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    root = etree.fromstring(signed)
    signature = root.find(f".//{DS}Signature")
    assert signature is not None
    root.append(signature)  # moved to the end of the root, where signxml puts it by default
    report = _verify(test_pki, etree.tostring(root))
    assert_refused(report, Subindication.FORMAT_FAILURE, "edXMLHeader", code="trust-signature-misplaced")


def test_naive_time_is_refused(test_pki: GeneratedPki) -> None:
    signed = sign_package(package(SENDER), test_pki.signers["sender"])
    with pytest.raises(ValueError, match="'at'") as caught:
        verify_package(signed, anchors=test_pki.anchors, at=datetime(2026, 1, 1))
    (message,) = caught.value.args
    assert isinstance(message, Message) and message.code == "trust-time-naive"
    assert render(message, "en") == "'at' must be timezone-aware"


def test_revocation_by_ocsp_from_a_live_responder(test_pki: GeneratedPki) -> None:
    pki = test_pki.pki
    with serve_pki(pki) as services:
        issued = pki.issue_agency(
            SENDER,
            "UBND tỉnh Nghệ An (OCSP)",
            at=AT - timedelta(days=1),
            name="ocsp-signer",
            ocsp_url=services.ocsp_url,
        )
        signer = KeySigner.load(issued.key_path, issued.cert_path, [pki.issuing_path])
        signed = sign_package(package(SENDER), signer)
        now = datetime.now(AT.tzinfo)
        # The issuing CA itself is covered by the root's CRL; the signer by OCSP.
        report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, fetch_ocsp=True, at=now)
        assert_valid(report)
        pki.revoke(issued.certificate.serial_number, at=now - timedelta(seconds=5))
        report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, fetch_ocsp=True, at=now)
        assert_refused(report, Subindication.REVOKED, "revoked", code="trust-chain-revoked")


# -- interoperability with xmlsec1 (the reference C library) ---------------------------------


def test_xmlsec1_accepts_our_signature(test_pki: GeneratedPki, tmp_path: Path) -> None:
    xmlsec1 = tool("xmlsec1")
    signed = tmp_path / "signed.edxml"
    signed.write_bytes(sign_package(package(SENDER), test_pki.signers["sender"]))
    result = run(
        xmlsec1,
        "--verify",
        "--trusted-pem",
        test_pki.pki.root_path,
        "--untrusted-pem",
        test_pki.pki.issuing_path,
        signed,
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout + result.stderr
    # And xmlsec1 sees a change after signing.
    signed.write_bytes(signed.read_bytes().replace("triển khai".encode(), b"X"))
    result = run(xmlsec1, "--verify", "--trusted-pem", test_pki.pki.root_path, signed)
    assert result.returncode != 0


@pytest.mark.parametrize("prefixed", [True, False], ids=["ds-prefix", "default-ns"])
def test_we_accept_xmlsec1_rsa_sha256_exc_c14n(
    test_pki: GeneratedPki, tmp_path: Path, prefixed: bool
) -> None:
    template = xmlsec1_template(
        Algorithm.EXC_C14N, Algorithm.RSA_SHA256, Algorithm.SHA256, prefixed=prefixed, exc=True
    )
    signed = xmlsec1_sign(test_pki, tmp_path, package(SENDER, extra_header=template))
    report = _verify(test_pki, signed)
    assert_valid(report)
    assert not report.weak


@pytest.mark.parametrize("prefixed", [True, False], ids=["ds-prefix", "default-ns"])
def test_xmlsec1_legacy_rsa_sha1_refused_by_default_accepted_when_allowed(
    test_pki: GeneratedPki, tmp_path: Path, prefixed: bool
) -> None:
    template = xmlsec1_template(
        Algorithm.C14N, Algorithm.RSA_SHA1, Algorithm.SHA1, prefixed=prefixed, exc=False
    )
    signed = xmlsec1_sign(test_pki, tmp_path, package(SENDER, extra_header=template))
    report = _verify(test_pki, signed)
    assert_refused(report, Subindication.CRYPTO_CONSTRAINTS_FAILURE, "SHA-1", code="trust-sha1-refused")
    assert report.intact and report.trusted and report.weak
    allowed = _verify(test_pki, signed, allow_sha1=True)
    assert_valid(allowed)
    assert allowed.weak and allowed.to_dict()["weak"] is True
    assert allowed.algorithm == Algorithm.RSA_SHA1
    tampered = _verify(test_pki, signed.replace("triển khai".encode(), b"X"), allow_sha1=True)
    assert_refused(tampered, Subindication.HASH_FAILURE)
