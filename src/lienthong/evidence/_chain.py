"""The message log's records and its hash chain.

Each record is canonical JSON (``LogRecord.content``); its entry hash is::

    entry_hash = SHA-256( bytes.fromhex(prev_hash) || SHA-256(content) )

with ``prev_hash`` of the first entry 64 zeros (``GENESIS``). Hashing the content's digest
rather than the content lets an evidence bundle show an unrelated entry by its digest alone
(redacted) and still prove the chain runs unbroken through it.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from lienthong.evidence._canonical import canonical_json, sha256_hex

#: The hash before the first entry.
GENESIS: Final = "0" * 64


class LogKind(enum.StrEnum):
    """What a log entry records."""

    #: A package accepted from an agency served here, for sending.
    PACKAGE_OUT = "package-out"
    #: A package received from a peer and stored.
    PACKAGE_IN = "package-in"
    #: A receipt this node signed and returned to a peer.
    RECEIPT_OUT = "receipt-out"
    #: A receipt a peer returned for a package sent from here.
    RECEIPT_IN = "receipt-in"
    #: A recipient given up on (deadline passed, code closed): ``note`` says why.
    DELIVERY_FAILED = "delivery-failed"
    #: A node restored from a backup has heard from every peer (one entry per code it serves,
    #: ``party``; ``note``: the backup's time): what that code's software had sent after then
    #: and the node does not hold is unaccounted for.
    RESYNCED = "resynced"


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One fact of the log, before chaining."""

    seq: int
    at: datetime
    kind: LogKind
    #: The message concerned (``lienthong.node`` message id).
    message_id: str
    #: The DocumentId the message is about (a status's ``ResponseFor/DocumentId``).
    document_id: str
    #: The agency code on the other side (recipient of a package out, sender of a package in).
    party: str
    #: SHA-256 of the bytes recorded (package or receipt); empty when none.
    sha256: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(),
            "kind": self.kind.value,
            "message_id": self.message_id,
            "document_id": self.document_id,
            "party": self.party,
            "sha256": self.sha256,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogRecord:
        return cls(
            seq=int(data["seq"]),
            at=datetime.fromisoformat(str(data["at"])),
            kind=LogKind(data["kind"]),
            message_id=str(data["message_id"]),
            document_id=str(data["document_id"]),
            party=str(data["party"]),
            sha256=str(data.get("sha256", "")),
            note=str(data.get("note", "")),
        )

    def content(self) -> bytes:
        return canonical_json(self.to_dict())

    def digest(self) -> str:
        return sha256_hex(self.content())


def link_hash(prev_hash: str, digest: str) -> str:
    """The entry hash of a record with content ``digest`` following ``prev_hash``."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + bytes.fromhex(digest)).hexdigest()
