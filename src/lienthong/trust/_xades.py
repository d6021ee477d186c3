"""XAdES-T for package signatures: an RFC 3161 time-stamp over ``ds:SignatureValue``.

ETSI EN 319 132-1 §5.3 (``SignatureTimeStamp``): the time-stamp's message imprint is the SHA-256
of the exclusive-C14N ``ds:SignatureValue`` element; the token travels as an unsigned property,

    ds:Signature/ds:Object/xades:QualifyingProperties[@Target="#<signature Id>"]
      /xades:UnsignedProperties/xades:UnsignedSignatureProperties/xades:SignatureTimeStamp
        ds:CanonicalizationMethod   exclusive C14N
        xades:EncapsulatedTimeStamp the token (DER, base64)

Nothing signed changes: the enveloped-signature transform takes the whole ``ds:Signature`` out
of what the reference digests, and ``ds:SignedInfo`` does not cover ``ds:Object`` (``xmlsec1
--verify`` still passes; parsers that read the header by name never look inside the signature).

The token proves the signature value existed at its ``genTime``: a receiver judges the signer's
certificate (validity, revocation) as of then, once the token itself verifies — its imprint,
its CMS signature, the TSA's certificate (time-stamping usage) chained to the network's anchors.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import etree
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, handle_tsp_response
from pyhanko.sign.validation.generic_cms import validate_sig_integrity

from lienthong._i18n import msg
from lienthong.errors import TrustError
from lienthong.trust._chain import validate_chain
from lienthong.trust._constants import Algorithm, Namespace
from lienthong.trust._status import ChainStatus
from lienthong.trust._time import aware

__all__ = [
    "HttpTimeStamper",
    "SignatureStamper",
    "TimestampReport",
    "add_signature_timestamp",
    "judge_timestamp",
    "judge_token",
    "signature_timestamp",
]

_DS = f"{{{Namespace.DS}}}"
_XADES = f"{{{Namespace.XADES}}}"
_TOKEN_PATH = (
    f"{_DS}Object/{_XADES}QualifyingProperties/{_XADES}UnsignedProperties/"
    f"{_XADES}UnsignedSignatureProperties/{_XADES}SignatureTimeStamp/{_XADES}EncapsulatedTimeStamp"
)

#: SHA-256 digest of what is time-stamped → the RFC 3161 token (DER ``ContentInfo``).
SignatureStamper = Callable[[bytes], bytes]


class HttpTimeStamper:
    """Asks an RFC 3161 service over HTTP(S) (``application/timestamp-query``); one connection
    pool per instance, usable from several threads."""

    def __init__(self, url: str, *, timeout: float = 10.0, verify: object = True) -> None:
        self.url = url
        self._client = httpx.Client(timeout=timeout, verify=verify)  # type: ignore[arg-type]
        self._requests = TimeStamper()  # type: ignore[no-untyped-call]  # builds requests with a nonce

    def __call__(self, digest: bytes) -> bytes:
        nonce, request = self._requests.request_cms(digest, "sha256")  # type: ignore[no-untyped-call]
        try:
            response = self._client.post(
                self.url, content=request.dump(), headers={"Content-Type": "application/timestamp-query"}
            )
            response.raise_for_status()
            token = handle_tsp_response(tsp.TimeStampResp.load(response.content), nonce)
        except (httpx.HTTPError, TimestampRequestError, ValueError) as exc:
            raise TrustError(msg("trust-timestamp-failed", url=self.url, reason=str(exc))) from exc
        der: bytes = token.dump()
        return der

    def close(self) -> None:
        self._client.close()


def _imprint(signature: etree._Element) -> bytes | None:
    value = signature.find(f"{_DS}SignatureValue")
    if value is None:
        return None
    return hashlib.sha256(etree.tostring(value, method="c14n", exclusive=True, with_comments=False)).digest()


def add_signature_timestamp(signature: etree._Element, stamp: SignatureStamper) -> None:
    """Append to ``signature`` (signed: its ``ds:SignatureValue`` is set) the time-stamp
    ``stamp`` gives for it, as XAdES ``SignatureTimeStamp``."""
    imprint = _imprint(signature)
    assert imprint is not None, "time-stamped before it was signed"
    token = stamp(imprint)
    identifier = signature.get("Id") or f"signature-{imprint[:8].hex()}"
    signature.set("Id", identifier)  # outside what is signed: the transform removes the element
    holder = etree.SubElement(signature, f"{_DS}Object")
    qualifying = etree.SubElement(
        holder, f"{_XADES}QualifyingProperties", Target=f"#{identifier}", nsmap={"xades": Namespace.XADES}
    )
    unsigned = etree.SubElement(etree.SubElement(qualifying, f"{_XADES}UnsignedProperties"),
                                f"{_XADES}UnsignedSignatureProperties")  # fmt: skip
    stamp_element = etree.SubElement(unsigned, f"{_XADES}SignatureTimeStamp")
    etree.SubElement(stamp_element, f"{_DS}CanonicalizationMethod", Algorithm=Algorithm.EXC_C14N)
    etree.SubElement(stamp_element, f"{_XADES}EncapsulatedTimeStamp").text = base64.b64encode(token).decode()


@dataclass(frozen=True, slots=True)
class TimestampReport:
    """What the package's signature time-stamp proves: primary facts, verdicts derived."""

    #: The TSA's ``genTime``: when it attests the signature value existed (its claim until
    #: ``valid``).
    time: datetime | None = None
    #: The token's message imprint is the SHA-256 of this signature's ``ds:SignatureValue``.
    imprint_ok: bool = False
    #: The token's CMS signature verifies with the TSA certificate it carries.
    signature_ok: bool = False
    #: The TSA's certificate (time-stamping usage) chained to the anchors at ``time``.
    chain_status: ChainStatus = ChainStatus.NOT_CHECKED
    #: The TSA's certificate, as the token carries it.
    tsa: x509.Certificate | None = None
    #: Why the token could not be read at all; None when it could.
    detail: str = ""

    @property
    def valid(self) -> bool:
        """The time-stamp proves the signature value existed at ``time``."""
        return self.imprint_ok and self.signature_ok and self.chain_status is ChainStatus.PASSED


def signature_timestamp(signature: etree._Element) -> bytes | None:
    """The token of ``signature``'s XAdES ``SignatureTimeStamp``, or None when it has none."""
    element = signature.find(_TOKEN_PATH)
    if element is None:
        return None
    try:
        return base64.b64decode("".join(map(str, element.itertext())), validate=False)
    except ValueError:
        return b""


def judge_timestamp(
    signature: etree._Element,
    token: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> TimestampReport:
    """Check ``token`` (from ``signature_timestamp``) against ``signature``; never raises."""
    return judge_token(token, _imprint(signature), anchors=anchors, intermediates=intermediates, crls=crls)


def judge_token(
    token: bytes,
    imprint: bytes | None,
    *,
    anchors: Sequence[x509.Certificate],
    intermediates: Sequence[x509.Certificate] = (),
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> TimestampReport:
    """Check an RFC 3161 ``token`` over the SHA-256 digest ``imprint`` (its CMS signature, the
    TSA's certificate chained to ``anchors`` at its time); never raises."""
    try:
        signed = cms.ContentInfo.load(token)["content"]
        tst_info = signed["encap_content_info"]["content"].parsed
        signer_info = signed["signer_infos"][0]
        certificates = [c.chosen for c in signed["certificates"] or () if c.name == "certificate"]
        if not isinstance(tst_info, tsp.TSTInfo) or not certificates:
            raise ValueError("not an RFC 3161 time-stamp token with its certificate")
        time = aware(tst_info["gen_time"].native)
        stated = tst_info["message_imprint"]
        imprint_ok = (
            stated["hash_algorithm"]["algorithm"].native == "sha256"
            and stated["hashed_message"].native == imprint
        )
        tsa_asn1 = _issued_to(signer_info, certificates)
        tsa = x509.load_der_x509_certificate(tsa_asn1.dump())
        content = signed["encap_content_info"]["content"].contents
        digest = hashlib.new(signer_info["digest_algorithm"]["algorithm"].native, content).digest()
        matches, verifies = validate_sig_integrity(signer_info, tsa_asn1, "tst_info", digest)
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # pyhanko's errors are ValueErrors
        return TimestampReport(detail=f"{type(exc).__name__}: {exc}")
    report = TimestampReport(time=time, imprint_ok=imprint_ok, signature_ok=matches and verifies, tsa=tsa)
    if not (report.imprint_ok and report.signature_ok):
        return report
    if not _time_stamping(tsa):
        return dataclasses.replace(
            report, chain_status=ChainStatus.INVALID, detail="not a time-stamping certificate"
        )
    others = [x509.load_der_x509_certificate(c.dump()) for c in certificates if c is not tsa_asn1]
    chain = validate_chain(tsa, anchors=anchors, intermediates=[*others, *intermediates], crls=crls, at=time)
    return dataclasses.replace(report, chain_status=chain.status, detail=chain.detail)


def _issued_to(
    signer_info: cms.SignerInfo, certificates: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate:
    """The certificate ``signer_info`` names (issuer and serial, or key identifier)."""
    sid = signer_info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                certificate.issuer == wanted["issuer"]
                and certificate.serial_number == wanted["serial_number"].native
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    raise ValueError("the token's signer certificate is not in the token")


def _time_stamping(certificate: x509.Certificate) -> bool:
    try:
        usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in usages
