"""The document index's rows, made from a package already parsed (at receipt, at submission),
the backfill of documents stored before the index existed, and the PDF verdicts the lists show.

A shared leaf: ``_receive`` and ``_submit`` call ``index_entries`` with the package they have
just parsed, so nothing is parsed twice. The backfill parses what it indexes, once, in bounded
batches (each its own transaction), and is idempotent: a row already there is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from lienthong.edxml import DocumentPackage
from lienthong.errors import LienthongError
from lienthong.node._node import Node
from lienthong.node._package import PackageSource
from lienthong.store import Direction, DocumentIndex, IndexedDocument
from lienthong.trust import verify_attachments

#: Documents indexed per backfill transaction.
BACKFILL_BATCH = 200


def index_entries(
    package: DocumentPackage,
    *,
    direction: Direction,
    message_id: str,
    recipients: Iterable[str],
    package_sha256: str,
    size: int,
    at: datetime,
) -> list[IndexedDocument]:
    """The index rows of ``package`` held here for each of ``recipients``."""
    header = package.header
    other = header.other_info
    kind = header.document_type
    promulgation = header.promulgation
    return [
        IndexedDocument(
            direction=direction,
            message_id=message_id,
            document_id=header.document_id,
            sender=package.from_code,
            recipient=recipient,
            package_sha256=package_sha256,
            number=header.code.number,
            notation=header.code.notation,
            subject=header.subject,
            at=at,
            size=size,
            attachments=len(package.attachments) or len(package.manifest),
            urgency=other.priority if other is not None else None,
            document_type=kind.type_name if kind is not None else None,
            promulgated_on=promulgation.promulgation_date if promulgation is not None else None,
        )
        for recipient in dict.fromkeys(recipients)
    ]


def backfill_index(node: Node, *, batch: int = BACKFILL_BATCH) -> int:
    """Index the documents held here without index rows (stored before the index existed);
    the number of rows added. Safe to run again, and beside receivers and submitters."""
    added = 0
    for direction in (Direction.IN, Direction.OUT):
        while True:
            with DocumentIndex.begin(node.database) as index:
                missing = index.unindexed(direction, limit=batch)
            if not missing:
                break
            entries: list[IndexedDocument] = []
            for held in missing:
                source = PackageSource.of_blob(node.blobs, held.package_sha256)
                package = source.parse(node.limits)
                if not isinstance(package, DocumentPackage):  # the row says document: never
                    continue
                entries += index_entries(
                    package,
                    direction=direction,
                    message_id=held.message_id,
                    recipients=held.recipients,
                    package_sha256=held.package_sha256,
                    size=source.size,
                    at=held.at,
                )
            with DocumentIndex.begin(node.database) as index:
                index.put(entries)
            added += len(entries)
            if len(missing) < batch:
                break
    return added


def pdf_verdict(node: Node, package_sha256: str, *, at: datetime) -> str:
    """``valid``, ``invalid``, ``unsigned`` (PDFs, none signed) or ``none`` (no PDF): what the
    package's PDF attachments' signatures say at ``at``."""
    try:
        data = b"".join(node.blobs.read_verified(package_sha256))
        found = verify_attachments(data, anchors=node.anchors, crls=node.crls, at=at)
    except (LienthongError, OSError):  # unreadable: shown as not valid, never fatal to a list
        return "invalid"
    if not found:
        return "none"
    if all(a.valid for a in found):
        return "valid"
    return "unsigned" if not any(a.signed for a in found) else "invalid"


def check_pdfs(node: Node, packages: Sequence[str], *, at: datetime) -> dict[str, str]:
    """The PDF verdicts of ``packages`` (SHA-256s not yet checked), computed once and stored."""
    verdicts = {sha: pdf_verdict(node, sha, at=at) for sha in dict.fromkeys(packages)}
    if verdicts:
        with DocumentIndex.begin(node.database) as index:
            index.set_pdf(verdicts)
    return verdicts
