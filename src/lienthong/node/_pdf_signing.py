"""PDF attachments signed (PAdES) with the key the node holds for the sending agency.

The one place where a node signs documents' PDFs: the console and the REST compose both call it.
When the agency has appearance settings (``_appearance``), the signatures are visible as Decree
30 draws them: the first PDF, the document, carries the signer's title, signature, name and
seal; each other PDF, an attachment issued with it, the agency's text stamp at the top right.
"""

from __future__ import annotations

from collections.abc import Sequence

from lienthong._i18n import msg
from lienthong.errors import PdfSigningError
from lienthong.node._appearance import load_appearance
from lienthong.node._errors import AttachmentNotPdf, PackageRefused, PdfNotSigned, Refusal
from lienthong.node._node import Node
from lienthong.trust import AttachmentStamp, SignerAppearance, sign_pdf

_PDF = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` starts as a PDF file does."""
    return data.startswith(_PDF)


def not_pdfs(files: Sequence[tuple[str, bytes]]) -> list[str]:
    """Names of the ``files`` (name, bytes) that are not PDFs."""
    return [name for name, data in files if not is_pdf(data)]


def sign_pdfs(
    node: Node,
    sender: str,
    files: Sequence[tuple[str, bytes]],
    *,
    reason: str | None = None,
    number: str | None = None,
    agency_name: str | None = None,
) -> list[tuple[str, bytes]]:
    """``files`` (name, PDF bytes), each signed PAdES B-B by the key of ``sender`` on ``node``.

    With ``sender``'s appearance settings the first file gets the signer's appearance and the
    others the attachment stamp showing ``agency_name`` (the code when not given) and ``number``
    (the document's number and notation, e.g. "125/VPCP-TTĐT"); without them, or without a
    ``number`` for the stamps, signatures are invisible.

    Raises ``PackageRefused`` (no key of ``sender`` held), ``AttachmentNotPdf`` naming every file
    that is not a PDF, ``PdfNotSigned`` naming the first file that cannot be signed (its
    appearance included), ``AppearanceInvalid`` when the settings cannot be read.
    """
    signer = node.signers.get(sender)
    if signer is None:
        raise PackageRefused(
            msg("node-no-signing-key", sender=sender),
            reason=Refusal.NO_SIGNER,
        )
    if names := ", ".join(not_pdfs(files)):
        raise AttachmentNotPdf(msg("node-not-pdf", names=names))
    looks = _appearances(node, sender, len(files), number=number, agency_name=agency_name)
    signed = []
    for (name, data), look in zip(files, looks, strict=True):
        try:
            signed.append((name, sign_pdf(data, signer, reason=reason, appearance=look)))
        except PdfSigningError as exc:
            raise PdfNotSigned(msg("node-pdf-not-signed", name=name, reason=exc.message)) from exc
    return signed


def _appearances(
    node: Node, sender: str, count: int, *, number: str | None, agency_name: str | None
) -> list[SignerAppearance | AttachmentStamp | None]:
    """What each of ``count`` files shows: the document first, then its attachments."""
    settings = load_appearance(node.appearance_dir, sender)
    document = settings.appearance() if settings is not None else None
    if document is None:
        return [None] * count
    stamp = AttachmentStamp(agency=agency_name or sender, number=number) if number else None
    return [document, *([stamp] * (count - 1))][:count]
