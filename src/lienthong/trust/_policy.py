"""The policy half of verifying a package signature, shared by the in-memory and streaming paths.

Given the located ``ds:Signature`` (an lxml element, whichever way it was read) and a function
that checks the cryptography over the package, ``judge`` decides the rest the same way for both:
where the signature sits, what SignedInfo states, which certificate signs, its key usage and
agency, then (once the bytes are known intact) the path to the anchors and revocation. The
binding of signer to sender is a verdict of the report, from the ``sender_code`` the check read
out of the signed content.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from lxml import etree

from lienthong._i18n import Message, msg
from lienthong.trust._agency import agency_code_of
from lienthong.trust._chain import validate_chain
from lienthong.trust._constants import Namespace
from lienthong.trust._report import VerificationReport
from lienthong.trust._status import ChainStatus
from lienthong.trust._xades import judge_timestamp, signature_timestamp

_DS = f"{{{Namespace.DS}}}"
_RSA_PREFIXES = (
    "http://www.w3.org/2000/09/xmldsig#rsa-",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-",
)

#: Checks the signature value and the digest for ``signer``; returns the report with
#: ``signature_ok``, ``digest_ok`` and, when both hold, ``sender_code`` (or a ``format_problem``).
CryptoCheck = Callable[[VerificationReport, x509.Certificate], VerificationReport]


@dataclass(frozen=True)
class Revocation:
    """What the caller gave to judge the signer's path with."""

    anchors: Sequence[x509.Certificate]
    crls: Sequence[x509.CertificateRevocationList] = ()
    ocsp_responses: Sequence[bytes] = ()
    fetch_ocsp: bool = False
    #: Revocation data issued after the moment judged counts (see ``validate_chain``).
    retroactive: bool = False


def placement_problem(count: int, *, first_in_header: bool) -> Message | None:
    """Why the package's signatures are not the one EDXML.md asks for, or None."""
    if count == 0:
        return msg("trust-signature-missing")
    if count > 1:
        return msg("trust-signature-several")
    if not first_in_header:
        return msg("trust-signature-misplaced")
    return None


@dataclass(frozen=True, slots=True)
class _Sent:
    """A certificate of the signature's KeyInfo and what the policy reads off it."""

    cert: x509.Certificate
    ca: bool
    agency_code: str | None
    key_usage_ok: bool


def _pick_signer(certs: list[_Sent]) -> _Sent:
    """The end-entity certificate among those sent: the first that is not a CA."""
    return next((sent for sent in certs if not sent.ca), certs[0])


def _key_usage_ok(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True  # RFC 5280: no keyUsage extension means no restriction
    return bool(usage.digital_signature or usage.content_commitment)


def _signed_info(report: VerificationReport, signature: etree._Element) -> VerificationReport:
    """Algorithms stated in SignedInfo; refuses signatures that do not cover the whole package."""
    method = signature.find(f"{_DS}SignedInfo/{_DS}SignatureMethod")
    references = signature.findall(f"{_DS}SignedInfo/{_DS}Reference")
    digest = references[0].find(f"{_DS}DigestMethod") if len(references) == 1 else None
    report = report.but(
        algorithm=method.get("Algorithm") if method is not None else None,
        digest_algorithm=digest.get("Algorithm") if digest is not None else None,
    )
    if len(references) != 1 or references[0].get("URI") != "":
        return report.but(
            format_problem=msg("trust-signature-partial"),
        )
    if not (report.algorithm or "").startswith(_RSA_PREFIXES):
        return report.but(
            format_problem=msg("trust-signature-algorithm", algorithm=str(report.algorithm)),
        )
    return report


def _certificates(signature: etree._Element) -> list[_Sent] | None:
    certs = []
    for node in signature.iterfind(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate"):
        text = "".join(map(str, node.itertext()))
        sent = _read_certificate(text) if len(text) <= _CACHED_TEXT else _read_certificate.__wrapped__(text)
        if sent is None:
            return None
        certs.append(sent)
    return certs


#: Certificates up to this much base64 are remembered (real ones are 1–3 KB): an agency signs
#: package after package with one certificate, and parsing it costs more than a look-up.
_CACHED_TEXT = 16384


@functools.lru_cache(maxsize=256)
def _read_certificate(text: str) -> _Sent | None:
    """The certificate in an X509Certificate element's text, fully parsed, with what the policy
    reads off it (once per text: the same few certificates sign package after package); None if
    malformed."""
    try:
        cert = x509.load_der_x509_certificate(base64.b64decode(text))
        # Parsed now, not halfway through the checks: a malformed part is a malformed certificate.
        cert.public_key()
        cert.extensions  # noqa: B018
        cert.subject.rfc4514_string()
        cert.issuer.rfc4514_string()
        try:
            ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            ca = False
        return _Sent(cert, ca, agency_code_of(cert), _key_usage_ok(cert))
    except (ValueError, UnsupportedAlgorithm):
        return None


def judge(
    report: VerificationReport,
    signature: etree._Element,
    check: CryptoCheck,
    revocation: Revocation,
) -> VerificationReport:
    """The report on ``signature``, a package's only one, in its place (see ``placement_problem``)."""
    report = _signed_info(report, signature)
    certs = _certificates(signature)
    if report.format_problem is not None:
        return report
    if not certs:
        return report.but(
            format_problem=msg("trust-signature-no-certificate"),
        )
    signer = _pick_signer(certs)
    cert = signer.cert
    report = report.but(signer=cert, agency_code=signer.agency_code, key_usage_ok=signer.key_usage_ok)
    report = check(report, cert)
    if not report.intact or report.format_problem is not None:
        return report
    intermediates = [sent.cert for sent in certs if sent is not signer]
    token = signature_timestamp(signature)
    if token is not None:  # XAdES-T: the signer is judged as of the time-stamp (``judged_at``)
        stamped = judge_timestamp(
            signature, token, anchors=revocation.anchors, intermediates=intermediates, crls=revocation.crls
        )
        report = report.but(timestamp=stamped)
    try:
        chain = validate_chain(
            cert,
            anchors=revocation.anchors,
            intermediates=intermediates,
            crls=revocation.crls,
            ocsp_responses=revocation.ocsp_responses,
            fetch_ocsp=revocation.fetch_ocsp,
            retroactive=revocation.retroactive,
            at=report.judged_at,
        )
    except ValueError as exc:  # a certificate cryptography reads but the path validator cannot
        return report.but(chain_status=ChainStatus.INVALID, chain_detail=str(exc))
    return report.but(
        chain_status=chain.status,
        chain=chain.path,
        chain_detail=chain.detail,
        revocation_checked=chain.revocation_checked,
        revoked_at=chain.revoked_at,
        revocation_reason=chain.revocation_reason,
    )
