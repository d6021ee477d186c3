"""What a node stores, as frozen values: no SQLAlchemy here (``_node_store`` maps rows to them).

``lienthong.node`` re-exports them; they sit in ``store`` because the store returns them and
dependencies point down only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from lienthong._i18n import Message
from lienthong.evidence import LogRecord


class DeliveryState(enum.StrEnum):
    """Where one package stands towards one recipient."""

    #: Waiting for its next attempt (``next_attempt_at``).
    QUEUED = "queued"
    #: Claimed by a delivery worker until its lease ends.
    SENDING = "sending"
    #: A positive receipt is stored. Final.
    DELIVERED = "delivered"
    #: A negative receipt is stored: the recipient's node refused it. Final.
    REJECTED = "rejected"
    #: Given up: deadline passed or code closed; ``last_error`` says why. Final.
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (DeliveryState.DELIVERED, DeliveryState.REJECTED, DeliveryState.FAILED)


class PackageKind(enum.StrEnum):
    DOCUMENT = "document"
    STATUS = "status"


class Disposition(enum.StrEnum):
    """What later packages did to a received document."""

    ACTIVE = "active"
    #: The sender asked for it back (status 13); the recipient has not answered yet.
    RECALL_REQUESTED = "recall-requested"  # yêu cầu lấy lại
    RECALLED = "recalled"  # thu hồi
    UPDATED = "updated"  # cập nhật
    REPLACED = "replaced"  # thay thế


class Direction(enum.StrEnum):
    IN = "in"
    OUT = "out"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One package for one recipient, as the node queues it."""

    message_id: str
    document_id: str
    kind: PackageKind
    package_sha256: str
    sender: str
    #: The code the package names (``To``, or whom a status answers).
    recipient: str
    #: The code actually delivered to: ``recipient``, or its successor when it was closed.
    deliver_to: str
    deadline: datetime
    state: DeliveryState = DeliveryState.QUEUED
    #: Set when the recipient's code was closed and ``deliver_to`` is its successor.
    redirected_from: str | None = None
    #: Why it failed at once (code closed): a message; stored as its code and parameters.
    last_error: Message | str | None = None


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A stored outbox row."""

    id: int
    item: OutboxItem
    state: DeliveryState
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    #: Why the last attempt failed, or the peer refused: a message (its code and parameters are
    #: what is stored); a sentence in rows written before messages were data.
    last_error: Message | str | None
    receipt_sha256: str | None
    #: Set while claimed: only the holder of this token may settle the row.
    claim_token: str | None
    lease_until: datetime | None

    @property
    def message_id(self) -> str:
        return self.item.message_id

    @property
    def deliver_to(self) -> str:
        return self.item.deliver_to


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A package received for one code served here."""

    message_id: str
    document_id: str
    kind: PackageKind
    package_sha256: str
    sender: str
    recipient: str
    received_at: datetime
    disposition: Disposition = Disposition.ACTIVE
    #: The DocumentId of the later package that recalled, updated or replaced this one.
    superseded_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiptEntry:
    """A receipt, kept as the signed bytes it travelled as."""

    sha256: str
    raw: bytes
    message_id: str
    recipient: str
    accepted: bool
    #: Why the package was refused: a message (stored as its code and parameters, JSON, rendered
    #: by the reader); a sentence in rows written before messages were data; None if accepted.
    reason: Message | str | None
    #: OUT: this node issued it; IN: a peer returned it for a package sent from here.
    direction: Direction
    at: datetime


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """One step of a document's timeline at one agency (a status package)."""

    #: The document's sender: with ``document_id``, what names the document.
    sender: str
    document_id: str
    #: The agency the status is from (``From``).
    reporter: str
    #: The agency it is addressed to.
    addressee: str
    status_code: str
    #: The status's own ``Timestamp``.
    timestamp: datetime
    package_sha256: str
    direction: Direction
    recorded_at: datetime
    description: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """A later document acting on an earlier one at one recipient (business types 1–3)."""

    recipient: str
    #: The sender of both documents.
    sender: str
    earlier_document_id: str
    later_document_id: str
    business_type: int
    #: True when the earlier document was in the inbox and was marked.
    applied: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A chained entry of the message log."""

    record: LogRecord
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageQuery:
    """What an operator looks for among the messages sent and received here (all optional,
    combined with AND). ``agency`` matches the sender or the recipient; ``status`` a status
    code held on the message's document; ``delivery`` an outbox state (outgoing only)."""

    document_id: str | None = None
    #: A message id or its leading hex digits.
    message_id: str | None = None
    agency: str | None = None
    status: str | None = None
    delivery: DeliveryState | None = None
    direction: Direction | None = None
    #: Stored (sent: accepted; received: stored) at or after ``since``, before ``until``.
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class MessageSummary:
    """One message sent or received here, towards or from one agency, as a search lists it."""

    direction: Direction
    message_id: str
    document_id: str
    kind: PackageKind
    sender: str
    recipient: str
    #: When it was accepted for sending, or stored on receipt.
    at: datetime
    #: The outbox state (outgoing) or the disposition (incoming).
    state: str
    attempts: int | None = None
    last_error: Message | str | None = None
