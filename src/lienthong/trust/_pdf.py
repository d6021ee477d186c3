"""PDF signatures with pyHanko: ``sign_pdf`` (PAdES B-B, or B-T with a time-stamp) and
``verify_pdf`` (one report per signature in the file).

A recipient verifies the legal signatures of PDF attachments and records the result; whether
a bad one refuses the package is policy, decided elsewhere (DESIGN.md, Trust).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import algos
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator.registry import SimpleCertificateStore

from lienthong._i18n import Language, Message, msg
from lienthong.trust._appearance import AttachmentStamp, Box, SignerAppearance, stamp_style
from lienthong.trust._chain import validation_context
from lienthong.trust._errors import PdfSigningError
from lienthong.trust._person import SignerPerson
from lienthong.trust._report import problem_fields
from lienthong.trust._signer import KeyType, Signer
from lienthong.trust._time import aware

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


#: CMS signature algorithm per key type (SHA-256: what every PAdES validator accepts).
_MECHANISMS: dict[KeyType, str] = {
    KeyType.RSA: "sha256_rsa",
    KeyType.EC_P256: "sha256_ecdsa",
    KeyType.ED25519: "ed25519",
}


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


class _PyHankoSigner(signers.Signer):
    """pyHanko's signer interface over our ``Signer``: every signature goes through sign_raw."""

    def __init__(self, signer: Signer) -> None:
        super().__init__(
            signing_cert=_asn1(signer.certificate),
            cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in signer.chain]),  # type: ignore[no-untyped-call]
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": _MECHANISMS[signer.key_type]}),
            embed_roots=True,
        )
        self._signer = signer

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:  # pyHanko asks for a placeholder of the right size before signing for real
            return bytes(self._signer.max_signature_size)
        algorithm = _HASHES.get(digest_algorithm.lower())
        if algorithm is None:
            raise PdfSigningError(msg("trust-pdf-digest-unsupported", algorithm=digest_algorithm))
        return await asyncio.to_thread(self._signer.sign_raw, data, algorithm())


def sign_pdf(
    pdf_bytes: bytes,
    signer: Signer,
    *,
    tsa_url: str | None = None,
    visible: bool = False,
    field_name: str | None = None,
    reason: str | None = None,
    appearance: SignerAppearance | AttachmentStamp | None = None,
) -> bytes:
    """Sign a PDF as an incremental update: PAdES B-B, or B-T with a time-stamp from ``tsa_url``.

    ``appearance`` draws what Decree 30 shows: the signer's title, signature image, name and
    seal (``SignerAppearance``, on its page and in its box), or an attachment's text stamp at the
    top right of the first page (``AttachmentStamp``). Without it, ``visible`` draws pyHanko's
    plain box at the top left of the first page; otherwise the signature is invisible.
    Raises ``PdfSigningError`` when the input is not a PDF, the appearance does not fit the page,
    or signing fails.
    """
    return asyncio.run(
        _sign_pdf(
            pdf_bytes,
            signer,
            tsa_url=tsa_url,
            visible=visible,
            field_name=field_name,
            reason=reason,
            appearance=appearance,
        )
    )


async def _sign_pdf(
    pdf_bytes: bytes,
    signer: Signer,
    *,
    tsa_url: str | None,
    visible: bool,
    field_name: str | None,
    reason: str | None,
    appearance: SignerAppearance | AttachmentStamp | None,
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        existing = len(reader.embedded_signatures)
        placed = _placed(reader, appearance) if appearance is not None else None
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise PdfSigningError(msg("trust-pdf-unreadable", reason=str(exc))) from exc
    name = field_name or f"LienthongSignature{existing + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        use_pades_lta=False,
    )
    if placed is not None and appearance is not None:
        page, box = placed
        spec: fields.SigFieldSpec | None = fields.SigFieldSpec(name, on_page=page, box=_int_box(box))
        style = stamp_style(appearance)
    else:
        spec = fields.SigFieldSpec(name, on_page=0, box=(36, 700, 236, 760)) if visible else None
        style = None
    timestamper = HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None
    pdf_signer = signers.PdfSigner(
        meta, signer=_PyHankoSigner(signer), timestamper=timestamper, new_field_spec=spec, stamp_style=style
    )
    try:
        output = await pdf_signer.async_sign_pdf(writer)
    except (PdfError, SignatureValidationError, OSError, ValueError) as exc:
        raise PdfSigningError(msg("trust-pdf-unsignable", reason=str(exc))) from exc
    data: bytes = output.getvalue()
    return data


def _placed(reader: PdfFileReader, appearance: SignerAppearance | AttachmentStamp) -> tuple[int, Box]:
    """The page index and box of ``appearance`` in this PDF; refused when it leaves the page."""
    count = int(reader.root["/Pages"]["/Count"])
    if isinstance(appearance, AttachmentStamp):
        width, height = _page_size(reader, 0)
        return 0, appearance.box(width, height)
    index = count - 1 if appearance.page == -1 else appearance.page - 1
    if not 0 <= index < count:
        raise PdfSigningError(msg("trust-appearance-page-missing", page=appearance.page, pages=count))
    width, height = _page_size(reader, index)
    if appearance.box[2] > width or appearance.box[3] > height:
        box, size = " ".join(f"{v:g}" for v in appearance.box), (f"{width:g}", f"{height:g}")
        raise PdfSigningError(msg("trust-appearance-box-outside", box=box, width=size[0], height=size[1]))
    return index, appearance.box


def _page_size(reader: PdfFileReader, index: int) -> tuple[float, float]:
    """Width and height of a page's MediaBox (inherited from its page tree when not its own)."""
    node = reader.find_page_for_modification(index)[0].get_object()  # type: ignore[no-untyped-call]
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"].get_object()
    llx, lly, urx, ury = (float(v) for v in node["/MediaBox"])
    return urx - llx, ury - lly


def _int_box(box: Box) -> tuple[int, int, int, int]:
    # pyHanko's field box is whole points; the appearance is laid out in the same whole box.
    return (round(box[0]), round(box[1]), round(box[2]), round(box[3]))


@dataclass(frozen=True)
class PdfSignatureReport:
    """What verifying one signature of a PDF established."""

    #: The signature field's name.
    field_name: str
    #: The signed byte ranges hash to the signed digest, and the CMS signature verifies.
    intact: bool
    #: The signer's certificate chains to a given anchor and is valid (pyHanko's path validation).
    trusted: bool
    #: The signer's certificate (or a CA of its path) is revoked, per the revocation data given.
    revoked: bool
    #: No change after signing beyond what PAdES allows (later signatures, form filling).
    unmodified: bool
    #: Subject of the signer's certificate (RFC 4514), if the CMS names one.
    signer: str | None
    #: The time-stamp's time when there is a valid one; else the time the signer claims.
    signing_time: datetime | None
    #: Whether ``signing_time`` comes from a valid RFC 3161 time-stamp (not the signer's claim).
    timestamped: bool
    #: pyHanko's words on a failure (English), if any.
    detail: str = ""
    #: The signer as the certificate names them (name, position, agency, validity), if any.
    person: SignerPerson | None = None
    #: Where the signature is drawn: its page (from 1) and its box in PDF points (x1, y1, x2,
    #: y2); None for an invisible signature. Says where, not what the drawing shows.
    page: int | None = None
    box: tuple[float, float, float, float] | None = None

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and not self.revoked and self.unmodified

    @property
    def problem(self) -> Message | None:
        """Why the signature is not acceptable, as a code and its parameters; None if valid."""
        if not self.intact:
            return msg("trust-pdf-not-intact")
        if not self.unmodified:
            return msg("trust-pdf-modified")
        if self.revoked:
            return msg("trust-pdf-signer-revoked")
        if not self.trusted:
            untrusted = msg("trust-pdf-signer-untrusted")
            # pyHanko's own words (English) follow as they are.
            return (
                msg("trust-problem-detail", problem=untrusted, detail=self.detail)
                if self.detail
                else untrusted
            )
        return None

    def to_dict(self, language: Language | None = None) -> dict[str, Any]:
        """JSON-ready facts; ``problem`` rendered in ``language`` (the process's by default),
        ``problem_message`` its code and parameters."""
        return {
            "field": self.field_name,
            "valid": self.valid,
            "intact": self.intact,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "signer": self.signer,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamped": self.timestamped,
            "person": self.person.to_dict() if self.person else None,
            "page": self.page,
            "box": list(self.box) if self.box else None,
            **problem_fields(self.problem, language),
        }

    def summary(self) -> str:
        state = "PASSED" if self.valid else "FAILED"
        return (
            f"{state} field={self.field_name} signer={self.signer!r} "
            f"time={self.signing_time.isoformat() if self.signing_time else '-'} "
            f"intact={str(self.intact).lower()} trusted={str(self.trusted).lower()}"
        )


def verify_pdf(
    pdf_bytes: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    at: datetime,
) -> list[PdfSignatureReport]:
    """One report per signature in the PDF, in file order (empty if it has none).

    Raises ``PdfSigningError`` when the input cannot be read as a PDF at all.
    """
    return asyncio.run(verify_pdf_async(pdf_bytes, anchors=anchors, crls=crls, at=at))


async def verify_pdf_async(
    pdf_bytes: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    at: datetime,
) -> list[PdfSignatureReport]:
    at = aware(at)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError) as exc:
        raise PdfSigningError(msg("trust-pdf-unreadable", reason=str(exc))) from exc
    reports = []
    pages = _page_numbers(reader)
    for sig in embedded:
        page, box = _widget(sig.sig_field, pages)
        try:
            status = await _validate(sig, anchors, crls, at=at, signed_at=at)
            ts = status.timestamp_validity
            if not status.trusted and ts is not None and ts.intact and ts.valid and ts.timestamp < at:
                # A time-stamp proves when it was signed (B-T): the signer's certificate is
                # judged then, so a PDF signed before it expired (or was revoked) still verifies.
                status = await _validate(sig, anchors, crls, at=at, signed_at=ts.timestamp)
        except (SignatureValidationError, PdfError, ValueError) as exc:
            reports.append(
                PdfSignatureReport(
                    field_name=str(sig.field_name),
                    intact=False,
                    trusted=False,
                    revoked=False,
                    unmodified=False,
                    signer=None,
                    signing_time=None,
                    timestamped=False,
                    detail=str(exc),
                    page=page,
                    box=box,
                )
            )
            continue
        ts = status.timestamp_validity
        timestamped = bool(ts is not None and ts.intact and ts.valid)
        cert = status.signing_cert
        certificate = x509.load_der_x509_certificate(cert.dump()) if cert else None
        reports.append(
            PdfSignatureReport(
                field_name=str(sig.field_name),
                intact=bool(status.intact and status.valid),
                trusted=bool(status.trusted),
                revoked=bool(status.revoked),
                unmodified=_unmodified(status),
                signer=certificate.subject.rfc4514_string() if certificate else None,
                signing_time=ts.timestamp if timestamped and ts is not None else status.signer_reported_dt,
                timestamped=timestamped,
                detail=_detail(status),
                person=SignerPerson.of(certificate) if certificate else None,
                page=page,
                box=box,
            )
        )
    return reports


async def _validate(
    sig: EmbeddedPdfSignature,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    *,
    at: datetime,
    signed_at: datetime,
) -> PdfSignatureStatus:
    """The signature's status, its signer judged at ``signed_at`` and its time-stamp at ``at``."""
    context = validation_context(anchors=anchors, crls=crls, at=signed_at)
    ts_context = validation_context(anchors=anchors, crls=crls, at=at)
    return await async_validate_pdf_signature(
        sig, signer_validation_context=context, ts_validation_context=ts_context
    )


def _page_numbers(reader: PdfFileReader) -> dict[int, int]:
    """Page object number → page number (from 1), to say where a widget lies."""
    try:
        count = int(reader.root["/Pages"]["/Count"])
        return {
            reader.find_page_for_modification(i)[0].idnum: i + 1  # type: ignore[no-untyped-call]
            for i in range(count)
        }
    except (PdfError, ValueError, KeyError, TypeError):
        return {}


def _widget(field: Any, pages: dict[int, int]) -> tuple[int | None, tuple[float, float, float, float] | None]:
    """The page and box of a signature field's widget, when it has a visible size."""
    try:
        x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
        page = pages.get(field.raw_get("/P").idnum)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None, None
    box = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    if box[2] - box[0] <= 0 or box[3] - box[1] <= 0 or page is None:
        return None, None
    return page, box


def _unmodified(status: Any) -> bool:
    """No change after signing beyond later signatures, time-stamps and form filling."""
    if status.docmdp_ok is False:
        return False
    level = status.modification_level
    return level is None or level <= ModificationLevel.FORM_FILLING


def _detail(status: Any) -> str:
    errors = getattr(status, "validation_path_errors", None) or ()
    trust = getattr(status, "trust_problem_indic", None)
    parts = [str(e) for e in errors]
    if trust is not None and not status.trusted:
        parts.append(str(trust))
    return "; ".join(parts)
