"""PDF attachments signed (PAdES) with the key the node holds for the sending agency.

The one place where a node signs documents' PDFs: the console and the REST compose both call it.
"""

from __future__ import annotations

from collections.abc import Sequence

from lienthong._i18n import msg
from lienthong.errors import PdfSigningError
from lienthong.node._errors import AttachmentNotPdf, PackageRefused, PdfNotSigned, Refusal
from lienthong.node._node import Node
from lienthong.trust import sign_pdf

_PDF = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` starts as a PDF file does."""
    return data.startswith(_PDF)


def not_pdfs(files: Sequence[tuple[str, bytes]]) -> list[str]:
    """Names of the ``files`` (name, bytes) that are not PDFs."""
    return [name for name, data in files if not is_pdf(data)]


def sign_pdfs(
    node: Node, sender: str, files: Sequence[tuple[str, bytes]], *, reason: str | None = None
) -> list[tuple[str, bytes]]:
    """``files`` (name, PDF bytes), each signed PAdES B-B by the key of ``sender`` on ``node``.

    Raises ``PackageRefused`` (no key of ``sender`` held), ``AttachmentNotPdf`` naming every file
    that is not a PDF, ``PdfNotSigned`` naming the first file that cannot be signed.
    """
    signer = node.signers.get(sender)
    if signer is None:
        raise PackageRefused(
            msg("node-no-signing-key", sender=sender),
            reason=Refusal.NO_SIGNER,
        )
    if names := ", ".join(not_pdfs(files)):
        raise AttachmentNotPdf(msg("node-not-pdf", names=names))
    signed = []
    for name, data in files:
        try:
            signed.append((name, sign_pdf(data, signer, reason=reason)))
        except PdfSigningError as exc:
            raise PdfNotSigned(msg("node-pdf-not-signed", name=name, reason=exc.message)) from exc
    return signed
