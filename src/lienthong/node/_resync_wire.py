"""The resync route's wire: ``POST /v1/peer/resync``, JSON both ways.

A node restored from a backup asks each peer, over the peer protocol's mutual TLS (the TLS
certificate names the asking node; nothing in the body does):

    {"after": "2026-12-08T00:10:00+00:00", "cursor": 0}

and the peer answers one page:

    {"requeued": 12,                 deliveries to the asker's codes since ``after``, queued again
     "held": [{"message_id", "document_id", "kind", "sender", "recipient",
               "package": base64}],  what the peer holds from the asker's codes since ``after``
     "next": 4711}                   the cursor of the next page; null on the last one

The request is bounded (``MAX_REQUEST_BYTES``); a page holds at most ``PAGE_MESSAGES``
messages and about ``PAGE_BYTES`` of packages.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from lienthong._i18n import msg
from lienthong.node._errors import ReceiptInvalid
from lienthong.store import PackageKind

RESYNC_PATH: Final = "/v1/peer/resync"
RESYNC_TYPE: Final = "application/json"
MAX_REQUEST_BYTES: Final = 4096
PAGE_MESSAGES: Final = 100
PAGE_BYTES: Final = 16 << 20


@dataclass(frozen=True, slots=True)
class ResyncRequest:
    #: Resend and report what was delivered at or after this moment (the backup's time).
    after: datetime
    #: Where the held messages' listing resumes (0: from the start, and requeue).
    cursor: int = 0

    def encode(self) -> bytes:
        return json.dumps({"after": self.after.isoformat(), "cursor": self.cursor}).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> ResyncRequest:
        """Raises ``ValueError`` on anything but a request (the route answers 400)."""
        document = json.loads(data)
        after = datetime.fromisoformat(str(document["after"]))
        cursor = int(document.get("cursor", 0))
        if after.tzinfo is None or cursor < 0:
            raise ValueError("after needs a time zone; cursor is not negative")
        return cls(after, cursor)


@dataclass(frozen=True, slots=True)
class HeldMessage:
    """A message the answering peer holds from the asking node, with its package."""

    message_id: str
    document_id: str
    kind: PackageKind
    sender: str
    recipient: str
    package: bytes


@dataclass(frozen=True, slots=True)
class ResyncAnswer:
    requeued: int
    held: tuple[HeldMessage, ...]
    next: int | None

    def encode(self) -> bytes:
        document: dict[str, Any] = {
            "requeued": self.requeued,
            "held": [
                {
                    "message_id": h.message_id,
                    "document_id": h.document_id,
                    "kind": h.kind.value,
                    "sender": h.sender,
                    "recipient": h.recipient,
                    "package": base64.b64encode(h.package).decode("ascii"),
                }
                for h in self.held
            ],
            "next": self.next,
        }
        return json.dumps(document, ensure_ascii=False).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes, *, peer: str) -> ResyncAnswer:
        """Raises ``ReceiptInvalid`` (the peer's answer cannot be used) on anything else."""
        try:
            document = json.loads(data)
            held = tuple(
                HeldMessage(
                    message_id=str(h["message_id"]),
                    document_id=str(h["document_id"]),
                    kind=PackageKind(h["kind"]),
                    sender=str(h["sender"]),
                    recipient=str(h["recipient"]),
                    package=base64.b64decode(h["package"], validate=True),
                )
                for h in document["held"]
            )
            following = document.get("next")
            return cls(int(document["requeued"]), held, None if following is None else int(following))
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise ReceiptInvalid(msg("node-resync-answer-invalid", peer=peer, reason=str(exc))) from exc
