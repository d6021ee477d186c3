"""Message ids: the same package names the same message at every node.

A message id is the SHA-256 (hex) of what makes a message itself: for a document, its sender
and DocumentId; for a status, its reporter, the document, the code and its timestamp. Both
nodes compute it from the package, so the sender's outbox and the recipient's inbox agree on
it without ever exchanging it, and the same message delivered twice is recognised.

A document is known by ``document_key``: its sender and its DocumentId.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from lienthong.edxml import DocumentPackage, Package
from lienthong.store import PackageKind


def kind_of(package: Package) -> PackageKind:
    return PackageKind.DOCUMENT if isinstance(package, DocumentPackage) else PackageKind.STATUS


def document_key(package: Package) -> tuple[str, str]:
    """(sender, DocumentId): what names the document ``package`` is, or a status answers
    (``ResponseFor``: its ``OrganId`` and ``DocumentId``). A DocumentId alone names nothing:
    the sender's software chooses it, and another sender may choose the same."""
    if isinstance(package, DocumentPackage):
        return package.from_code, package.document_id
    return package.response_for.organ_id, package.document_id


def document_message_id(sender: str, document_id: str) -> str:
    """The message id of ``sender``'s document ``document_id``."""
    return _digest(["document", sender, document_id])


def message_id_of(package: Package) -> str:
    if isinstance(package, DocumentPackage):
        return document_message_id(package.from_code, package.document_id)
    return status_message_id(
        package.from_code, package.document_id, package.status_code.value, package.timestamp
    )


def status_message_id(reporter: str, document_id: str, code: str, timestamp: datetime) -> str:
    """The message id of ``reporter``'s status ``code`` at ``timestamp`` on ``document_id``: what
    a timeline's step (a stored status) is known by, without reading its package again."""
    stamp = timestamp.astimezone(UTC).isoformat()  # the reader gives aware times
    return _digest(["status", reporter, document_id, code, stamp])


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
