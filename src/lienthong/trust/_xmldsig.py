"""Enveloped XML-DSig over a whole edXML package: the recipes ``sign_package`` and
``verify_package``.

The ``ds:Signature`` is the last child of ``edXML:edXMLHeader`` and carries the xmldsig
namespace on itself (EDXML.md §2). It covers the whole package (``Reference URI=""``,
enveloped-signature then exclusive C14N), RSA-SHA256 with SHA-256 digests; SHA-1 is never
produced. Signatures of that one profile are made and checked in a single pass
(``_enveloped``); any other shape a peer sends (inclusive C14N, legacy SHA-1 signers) is checked
by signxml. Chain, revocation and policy are decided here.
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

from lienthong._i18n import tr
from lienthong.errors import MalformedXML, SchemaInvalid
from lienthong.trust._agency import agency_code_of
from lienthong.trust._chain import validate_chain
from lienthong.trust._constants import Namespace
from lienthong.trust._dsig import VERIFY_CONFIG, PackageVerifier
from lienthong.trust._enveloped import read_profile, sign_enveloped, verify_enveloped
from lienthong.trust._report import VerificationReport
from lienthong.trust._signer import Signer
from lienthong.trust._time import aware
from lienthong.trust._xml import header, is_edxml, parse, safe_parser, sender_code, signatures

_DS = f"{{{Namespace.DS}}}"
_RSA_PREFIXES = (
    "http://www.w3.org/2000/09/xmldsig#rsa-",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-",
)


def _key_info(signer: Signer) -> etree._Element:
    """``KeyInfo/X509Data``: the subject name, then the certificates, signer first."""
    key_info = etree.Element(f"{_DS}KeyInfo", nsmap={"ds": Namespace.DS})
    data = etree.SubElement(key_info, f"{_DS}X509Data")
    etree.SubElement(data, f"{_DS}X509SubjectName").text = signer.certificate.subject.rfc4514_string()
    for cert in (signer.certificate, *signer.chain):
        der = cert.public_bytes(Encoding.DER)
        etree.SubElement(data, f"{_DS}X509Certificate").text = base64.b64encode(der).decode()
    return key_info


def sign_package(xml_bytes: bytes, signer: Signer) -> bytes:
    """The package signed by ``signer``, as UTF-8 bytes with an XML declaration.

    Raises ``MalformedXML`` for bytes that are not XML and ``SchemaInvalid`` when the package
    has no ``edXMLEnvelope/edXMLHeader`` or already holds a ``ds:Signature``.
    """
    try:
        tree = parse(xml_bytes)
    except etree.XMLSyntaxError as exc:
        raise MalformedXML(tr(f"không phải XML: {exc}", f"not XML: {exc}")) from exc
    root = tree.getroot()
    head = header(root)
    if head is None:
        raise SchemaInvalid(
            tr("gói tin không có edXMLEnvelope/edXMLHeader", "package has no edXMLEnvelope/edXMLHeader"),
            element="edXMLHeader",
        )
    if signatures(root):
        raise SchemaInvalid(
            tr("gói tin đã có chữ ký ds:Signature", "package already has a ds:Signature"),
            element="Signature",
            code="already-signed",
        )
    sign_enveloped(tree, head, signer, _key_info(signer))
    # The whole document, processing instructions outside the root included: the digest covers them.
    body: bytes = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


def _pick_signer(certs: list[x509.Certificate]) -> x509.Certificate:
    """The end-entity certificate among those sent: the first that is not a CA."""
    for cert in certs:
        try:
            constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            return cert
        if not constraints.ca:
            return cert
    return certs[0]


def _key_usage_ok(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # RFC 5280: no keyUsage extension means no restriction
    return bool(usage.digital_signature or usage.content_commitment)


def _located(
    report: VerificationReport, root: etree._Element
) -> tuple[VerificationReport, etree._Element | None]:
    """The one signature of the package, where EDXML.md puts it, or a report saying why not."""
    found = signatures(root)
    if not found:
        return dataclasses.replace(
            report,
            format_problem=tr("gói tin không có chữ ký ds:Signature", "the package has no ds:Signature"),
        ), None
    if len(found) > 1:
        return dataclasses.replace(
            report,
            format_problem=tr("gói tin có nhiều hơn một chữ ký", "the package has more than one signature"),
        ), None
    parent = found[0].getparent()
    if parent is None or not is_edxml(parent, "edXMLHeader") or parent is not header(root):
        return dataclasses.replace(
            report,
            format_problem=tr(
                "chữ ký phải nằm trong edXML:edXMLEnvelope/edXML:edXMLHeader",
                "the signature must sit in edXML:edXMLEnvelope/edXML:edXMLHeader",
            ),
        ), None
    return report, found[0]


def _signed_info(report: VerificationReport, signature: etree._Element) -> VerificationReport:
    """Algorithms stated in SignedInfo; refuses signatures that do not cover the whole package."""
    method = signature.find(f"{_DS}SignedInfo/{_DS}SignatureMethod")
    references = signature.findall(f"{_DS}SignedInfo/{_DS}Reference")
    digest = references[0].find(f"{_DS}DigestMethod") if len(references) == 1 else None
    report = dataclasses.replace(
        report,
        algorithm=method.get("Algorithm") if method is not None else None,
        digest_algorithm=digest.get("Algorithm") if digest is not None else None,
    )
    if len(references) != 1 or references[0].get("URI") != "":
        return dataclasses.replace(
            report,
            format_problem=tr(
                'chữ ký phải phủ toàn bộ gói tin (một Reference URI="")',
                'the signature must cover the whole package (one Reference URI="")',
            ),
        )
    if not (report.algorithm or "").startswith(_RSA_PREFIXES):
        return dataclasses.replace(
            report,
            format_problem=tr(
                f"thuật toán ký không được hỗ trợ: {report.algorithm}",
                f"unsupported signature algorithm: {report.algorithm}",
            ),
        )
    return report


def _certificates(signature: etree._Element) -> list[x509.Certificate] | None:
    certs = []
    for node in signature.iterfind(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate"):
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode("".join(map(str, node.itertext())))))
        except ValueError:
            return None
    return certs


def verify_package(
    xml_bytes: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    ocsp_responses: Sequence[bytes] = (),
    fetch_ocsp: bool = False,
    at: datetime,
    allow_sha1: bool = False,
) -> VerificationReport:
    """Verify the signature of a package on its bytes as received; a bad signature is reported,
    never raised (``report.raise_for_problem()`` raises ``SignatureInvalid``).

    ``anchors`` are the trust roots; ``crls`` and ``ocsp_responses`` are revocation data the
    caller has; with ``fetch_ocsp`` the OCSP responders named in the certificates are asked.
    When any of these is given, revocation status is required for every certificate.
    """
    report = VerificationReport(validation_time=aware(at), sha1_allowed=allow_sha1)
    try:
        tree = parse(xml_bytes)
        root = tree.getroot()
    except etree.XMLSyntaxError as exc:
        return dataclasses.replace(
            report, format_problem=tr(f"không phải XML hợp lệ: {exc}", f"not well-formed XML: {exc}")
        )
    report, signature = _located(report, root)
    if signature is None:
        return report
    report = _signed_info(report, signature)
    certs = _certificates(signature)
    if report.format_problem is not None:
        return report
    if not certs:
        return dataclasses.replace(
            report,
            format_problem=tr(
                "chữ ký không kèm chứng thư hợp lệ (X509Certificate)",
                "no valid X509Certificate in the signature",
            ),
        )
    cert = _pick_signer(certs)
    report = dataclasses.replace(
        report, signer=cert, agency_code=agency_code_of(cert), key_usage_ok=_key_usage_ok(cert)
    )
    profile = read_profile(signature)
    public = cert.public_key()
    if profile is not None and isinstance(public, rsa.RSAPublicKey):
        signature_ok, digest_ok = verify_enveloped(tree, signature, profile, public)
        report = dataclasses.replace(report, signature_ok=signature_ok, digest_ok=digest_ok)
        if not (signature_ok and digest_ok):
            return report
        # The sender is read from the tree the digest was computed over.
        report = dataclasses.replace(report, sender_code=sender_code(root))
    else:
        report = _verify_with_signxml(report, xml_bytes, cert)
        if not report.intact:
            return report
    chain = validate_chain(
        cert,
        anchors=anchors,
        intermediates=[c for c in certs if c is not cert],
        crls=crls,
        ocsp_responses=ocsp_responses,
        fetch_ocsp=fetch_ocsp,
        at=report.validation_time,
    )
    return dataclasses.replace(
        report,
        chain_status=chain.status,
        chain=chain.path,
        chain_detail=chain.detail,
        revocation_checked=chain.revocation_checked,
        revoked_at=chain.revoked_at,
        revocation_reason=chain.revocation_reason,
    )


def _verify_with_signxml(
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
        return dataclasses.replace(report, signature_ok=True, digest_ok=False)
    except InvalidSignature:
        return dataclasses.replace(report, signature_ok=False)
    except (SignXMLException, etree.LxmlError, ValueError) as exc:
        return dataclasses.replace(
            report, format_problem=tr(f"chữ ký không đọc được: {exc}", f"unreadable signature: {exc}")
        )
    signed_root = result.signed_xml if not isinstance(result, list) else None
    # The sender is read from what the signature covers, never from the unsigned bytes.
    return dataclasses.replace(
        report,
        signature_ok=True,
        digest_ok=True,
        sender_code=sender_code(signed_root) if signed_root is not None else None,
    )
