"""Enveloped XML-DSig over a whole edXML package: the recipes ``sign_package`` and
``verify_package``.

The ``ds:Signature`` is the last child of ``edXML:edXMLHeader`` and carries the xmldsig
namespace on itself (EDXML.md §2). It covers the whole package (``Reference URI=""``,
enveloped-signature then exclusive C14N), RSA-SHA256 with SHA-256 digests; SHA-1 is never
produced. Signatures of that one profile are made and checked in a single pass
(``_enveloped``); any other shape a peer sends (inclusive C14N, legacy SHA-1 signers) is checked
by signxml. Chain, revocation and policy are decided by ``_policy``, which the streaming
recipes (``_stream``) share.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Sequence
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml.exceptions import InvalidDigest, InvalidSignature, SignXMLException

from lienthong._i18n import msg
from lienthong.errors import SchemaInvalid, UnsafeXML
from lienthong.trust._constants import Namespace
from lienthong.trust._dsig import VERIFY_CONFIG, PackageVerifier
from lienthong.trust._enveloped import read_profile, sign_enveloped, verify_enveloped
from lienthong.trust._policy import Revocation, judge, placement_problem
from lienthong.trust._report import VerificationReport, as_message
from lienthong.trust._signer import Signer
from lienthong.trust._time import aware
from lienthong.trust._xades import SignatureStamper
from lienthong.trust._xml import header, is_edxml, not_xml, parse, safe_parser, sender_code, signatures

_DS = f"{{{Namespace.DS}}}"


def key_info(signer: Signer) -> etree._Element:
    """``KeyInfo/X509Data``: the subject name, then the certificates, signer first."""
    key_info = etree.Element(f"{_DS}KeyInfo", nsmap={"ds": Namespace.DS})
    data = etree.SubElement(key_info, f"{_DS}X509Data")
    etree.SubElement(data, f"{_DS}X509SubjectName").text = signer.certificate.subject.rfc4514_string()
    for cert in (signer.certificate, *signer.chain):
        der = cert.public_bytes(Encoding.DER)
        etree.SubElement(data, f"{_DS}X509Certificate").text = base64.b64encode(der).decode()
    return key_info


def signing_problem(*, has_header: bool, signatures: int) -> SchemaInvalid | None:
    """Why a well-formed package cannot be signed, or None."""
    if not has_header:
        return SchemaInvalid(
            msg("trust-sign-no-header"),
            element="edXMLHeader",
        )
    if signatures:
        return SchemaInvalid(
            msg("trust-sign-already-signed"),
            element="Signature",
            code="already-signed",
        )
    return None


def sign_package(xml_bytes: bytes, signer: Signer, *, timestamp: SignatureStamper | None = None) -> bytes:
    """The package signed by ``signer``, as UTF-8 bytes with an XML declaration; with
    ``timestamp`` (an ``HttpTimeStamper``), the signature value time-stamped (XAdES-T), which
    lets a receiver judge the signer's certificate as of the time-stamp.

    Raises ``MalformedXML`` for bytes that are not XML, ``UnsafeXML`` for a DTD or nesting
    beyond 256 levels, and ``SchemaInvalid`` when the package has no
    ``edXMLEnvelope/edXMLHeader`` or already holds a ``ds:Signature``.
    """
    try:
        tree = parse(xml_bytes)
    except etree.XMLSyntaxError as exc:
        raise not_xml(exc) from exc
    root = tree.getroot()
    head = header(root)
    unsignable = signing_problem(has_header=head is not None, signatures=len(signatures(root)))
    if unsignable is not None:
        raise unsignable
    assert head is not None
    try:
        sign_enveloped(tree, head, signer, key_info(signer), timestamp=timestamp)
    except etree.C14NError as exc:
        raise not_xml(exc) from exc
    # The whole document, processing instructions outside the root included: the digest covers them.
    body: bytes = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def verify_package(
    xml_bytes: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    ocsp_responses: Sequence[bytes] = (),
    fetch_ocsp: bool = False,
    at: datetime,
    allow_sha1: bool = False,
    retroactive: bool = False,
) -> VerificationReport:
    """Verify the signature of a package on its bytes as received; a bad signature is reported,
    never raised (``report.raise_for_problem()`` raises ``SignatureInvalid``).

    ``anchors`` are the trust roots; ``crls`` and ``ocsp_responses`` are revocation data the
    caller has; with ``fetch_ocsp`` the OCSP responders named in the certificates are asked.
    When any of these is given, revocation status is required for every certificate. With
    ``retroactive``, revocation data issued after ``at`` counts too (an archive's, gathered
    when it was made: a certificate not revoked then was not revoked at ``at``).
    """
    report = VerificationReport(validation_time=aware(at), sha1_allowed=allow_sha1)
    try:
        tree = parse(xml_bytes)
        root = tree.getroot()
    except etree.XMLSyntaxError as exc:
        return report.but(format_problem=msg("trust-not-well-formed", reason=str(exc)))
    except UnsafeXML as exc:
        return report.but(format_problem=as_message(exc.message))
    found = signatures(root)
    parent = found[0].getparent() if found else None
    problem = placement_problem(
        len(found),
        first_in_header=parent is not None and is_edxml(parent, "edXMLHeader") and parent is header(root),
    )
    if problem is not None:
        return report.but(format_problem=problem)
    signature = found[0]

    def check(report: VerificationReport, cert: x509.Certificate) -> VerificationReport:
        profile = read_profile(signature)
        public = cert.public_key()
        if profile is None or not isinstance(public, rsa.RSAPublicKey):
            return verify_with_signxml(report, xml_bytes, cert)
        try:
            signature_ok, digest_ok = verify_enveloped(tree, signature, profile, public)
        except etree.C14NError as exc:
            return report.but(format_problem=as_message(not_xml(exc).message))
        report = report.but(signature_ok=signature_ok, digest_ok=digest_ok)
        if not report.intact:
            return report
        # The sender is read from the tree the digest was computed over.
        return report.but(sender_code=sender_code(root))

    return judge(report, signature, check, Revocation(anchors, crls, ocsp_responses, fetch_ocsp, retroactive))


def verify_with_signxml(
    report: VerificationReport, xml_bytes: bytes, cert: x509.Certificate
) -> VerificationReport:
    """Signatures outside our one profile: signxml checks the cryptography."""
    # signxml wants the signer valid "now", so it is told a moment inside the certificate's
    # validity; validity at the validation time is path validation's job.
    inside = cert.not_valid_before_utc + (cert.not_valid_after_utc - cert.not_valid_before_utc) / 2
    config = dataclasses.replace(VERIFY_CONFIG, verification_time=inside)
    try:
        # signxml parses the received bytes itself: nothing is re-serialised before verifying.
        result = PackageVerifier().verify(
            xml_bytes, x509_cert=cert, expect_config=config, parser=safe_parser()
        )
    except InvalidDigest:
        return report.but(signature_ok=True, digest_ok=False)
    except InvalidSignature:
        return report.but(signature_ok=False)
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        return report.but(format_problem=msg("trust-signature-unreadable", reason=str(exc)))
    signed_root = result.signed_xml if not isinstance(result, list) else None
    # The sender is read from what the signature covers, never from the unsigned bytes.
    return report.but(
        signature_ok=True,
        digest_ok=True,
        sender_code=sender_code(signed_root) if signed_root is not None else None,
    )
