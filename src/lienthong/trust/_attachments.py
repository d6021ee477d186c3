"""The legal signatures inside a package: every PDF attachment's PAdES signatures, verified.

A package's XML signature says which system sent it; the legal signature of the document is in
its PDF (Nghị định 30/2020/NĐ-CP). Attachments are read with the edXML parser, so zip-wrapped
ones are unwrapped first; whether an unsigned or badly signed PDF refuses the package is policy,
decided by the caller, never here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509

from lienthong._i18n import Language
from lienthong.edxml import DocumentPackage, parse_package
from lienthong.trust._pdf import PdfSignatureReport, verify_pdf

_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True, slots=True)
class AttachmentSignatures:
    """The PDF signatures of one attachment (none for an unsigned PDF)."""

    content_id: str
    name: str | None
    zip_wrapped: bool
    signatures: tuple[PdfSignatureReport, ...]

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def valid(self) -> bool:
        """Signed, and every signature valid."""
        return self.signed and all(report.valid for report in self.signatures)

    def to_dict(self, language: Language | None = None) -> dict[str, Any]:
        """JSON-ready; each signature's ``problem`` rendered in ``language`` (the process's by default)."""
        return {
            "content_id": self.content_id,
            "name": self.name,
            "zip_wrapped": self.zip_wrapped,
            "signed": self.signed,
            "valid": self.valid,
            "signatures": [report.to_dict(language) for report in self.signatures],
        }


def verify_attachments(
    package: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList] = (),
    at: datetime,
) -> list[AttachmentSignatures]:
    """One entry per PDF attachment of ``package`` (other attachments are not PDFs to verify).

    Raises the edXML parser's ``PackageRejected`` when the package cannot be read.
    """
    parsed = parse_package(package)
    if not isinstance(parsed, DocumentPackage):
        return []
    found = []
    for attachment in parsed.attachments:
        data = attachment.content.read_bytes()
        if not data.startswith(_PDF_MAGIC):
            continue
        found.append(
            AttachmentSignatures(
                content_id=attachment.content_id,
                name=attachment.name,
                zip_wrapped=attachment.zip_wrapped,
                signatures=tuple(verify_pdf(data, anchors=anchors, crls=crls, at=at)),
            )
        )
    return found
