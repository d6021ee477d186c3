"""XAdES-T package signatures: a time-stamp over the signature value, from the PKI's RFC 3161
service (its clock set to the test PKI's moment), lets a receiver accept a package whose
signer's certificate expired after it was signed; without one, or with one that is not this
signature's, an expired signer is refused and the reason says why. The time-stamped package
still verifies with xmlsec1, in memory and streamed alike."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from lienthong.trust import (
    HttpTimeStamper,
    KeySigner,
    Namespace,
    Subindication,
    serve_pki,
    sign_package,
    sign_package_stream,
    verify_package,
    verify_package_stream,
)
from support.pki import AT, SENDER, GeneratedPki, agency_signer
from trust.trust_support import assert_refused, assert_valid, package, run, tool

#: Days after the short-lived signer expired: what a package queued that long meets on arrival.
LATER = AT + timedelta(days=10)
XADES = f"{{{Namespace.XADES}}}"


@pytest.fixture(scope="module")
def stamper(test_pki: GeneratedPki) -> Iterator[HttpTimeStamper]:
    with serve_pki(test_pki.pki, clock=lambda: AT) as services:
        stamps = HttpTimeStamper(services.tsa_url)
        yield stamps
        stamps.close()


@pytest.fixture(scope="module")
def short_lived(test_pki: GeneratedPki) -> KeySigner:
    """SENDER's signer, valid from a day before the PKI's moment to a day after it."""
    signer = agency_signer(test_pki.pki.issuer, SENDER, at=AT - timedelta(days=1), days=2)
    return KeySigner(signer.private_key, signer.certificate, [test_pki.pki.issuing])


def test_a_time_stamped_package_is_judged_as_of_its_time_stamp(
    test_pki: GeneratedPki, stamper: HttpTimeStamper, short_lived: KeySigner
) -> None:
    signed = sign_package(package(SENDER), short_lived, timestamp=stamper)
    assert short_lived.certificate.not_valid_after_utc < LATER
    report = verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=LATER)
    assert_valid(report)
    assert report.timestamp is not None and report.timestamp.valid
    assert report.judged_at == AT == report.timestamp.time
    assert report.to_dict()["timestamp"] == AT.isoformat()
    # Where ETSI EN 319 132-1 puts it, and nowhere else.
    root = etree.fromstring(signed)
    (stamp,) = root.iter(f"{XADES}SignatureTimeStamp")
    parent = stamp.getparent()
    assert parent is not None and parent.tag == f"{XADES}UnsignedSignatureProperties"


def test_without_a_time_stamp_an_expired_signer_is_refused_saying_so(
    test_pki: GeneratedPki, short_lived: KeySigner
) -> None:
    signed = sign_package(package(SENDER), short_lived)
    # No CRLs: the test PKI's are stale by then, and an unknown status would be said first.
    report = verify_package(signed, anchors=test_pki.anchors, at=LATER)
    assert report.timestamp is None
    assert_refused(
        report, Subindication.OUT_OF_BOUNDS_NO_POE, "time-stamp", code="trust-chain-expired-no-timestamp"
    )
    # Still valid while the certificate is.
    assert_valid(verify_package(signed, anchors=test_pki.anchors, crls=test_pki.crls, at=AT))


def test_a_time_stamp_of_another_signature_proves_nothing(
    test_pki: GeneratedPki, stamper: HttpTimeStamper, short_lived: KeySigner
) -> None:
    stamped = etree.fromstring(sign_package(package(SENDER), short_lived, timestamp=stamper))
    plain = etree.fromstring(sign_package(package(SENDER, places=4), short_lived))
    (holder,) = stamped.iter(f"{{{Namespace.DS}}}Object")
    (signature,) = plain.iter(f"{{{Namespace.DS}}}Signature")
    signature.append(holder)  # a genuine token, over a different signature value
    report = verify_package(etree.tostring(plain), anchors=test_pki.anchors, at=LATER)
    assert report.timestamp is not None and not report.timestamp.imprint_ok
    assert_refused(
        report, Subindication.OUT_OF_BOUNDS_NO_POE, "time-stamp", code="trust-chain-expired-timestamp-invalid"
    )


def test_a_streamed_package_is_time_stamped_the_same_way(
    test_pki: GeneratedPki, stamper: HttpTimeStamper, short_lived: KeySigner
) -> None:
    target = io.BytesIO()
    sign_package_stream(io.BytesIO(package(SENDER)), target, short_lived, timestamp=stamper)
    target.seek(0)
    report = verify_package_stream(target, anchors=test_pki.anchors, crls=test_pki.crls, at=LATER)
    assert_valid(report)
    assert report.judged_at == AT


def test_xmlsec1_accepts_a_time_stamped_signature(
    test_pki: GeneratedPki, stamper: HttpTimeStamper, tmp_path: Path
) -> None:
    """The unsigned property sits outside what is signed: the reference C library agrees."""
    signed = tmp_path / "stamped.edxml"
    signed.write_bytes(sign_package(package(SENDER), test_pki.signers["sender"], timestamp=stamper))
    result = run(
        tool("xmlsec1"), "--verify", "--trusted-pem", test_pki.pki.root_path,
        "--untrusted-pem", test_pki.pki.issuing_path, signed,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
