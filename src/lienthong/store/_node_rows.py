"""ORM rows of a node: outbox, inbox, receipts, statuses, document links, the message log.

Registered on the same ``Base`` as the directory's rows, so one migration history and one
metadata describe the whole schema; nothing outside ``store`` sees these classes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import CODE_LENGTH, Base, UtcDateTime

DIGEST = 64
STATE = 16


class OutboxRow(Base):
    """One package towards one recipient, and where its delivery stands."""

    __tablename__ = "node_outbox"
    __table_args__ = (
        UniqueConstraint("message_id", "recipient", name="uq_node_outbox_message_id_recipient"),
        Index("ix_node_outbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    document_id: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(STATE), nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    deliver_to: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    redirected_from: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    state: Mapped[str] = mapped_column(String(STATE), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    #: Indexed: statistics read one day at a time.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    deadline: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(DIGEST))
    last_error: Mapped[str | None] = mapped_column(Text)
    receipt_sha256: Mapped[str | None] = mapped_column(String(DIGEST))


class InboxRow(Base):
    """A package received for one code served here; stored once per (message, recipient)."""

    __tablename__ = "node_inbox"
    __table_args__ = (UniqueConstraint("message_id", "recipient", name="uq_node_inbox_message_id_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    document_id: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(STATE), nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    #: Indexed: statistics read one day at a time.
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    disposition: Mapped[str] = mapped_column(String(STATE), nullable=False)
    superseded_by: Mapped[str | None] = mapped_column(Text)


class ReceiptRow(Base):
    """A receipt issued or received, as its signed bytes."""

    __tablename__ = "node_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False, unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    message_id: Mapped[str] = mapped_column(String(DIGEST), nullable=False, index=True)
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    accepted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(String(STATE), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class StatusRow(Base):
    """One status of one document from one agency: the per-recipient timeline. A document is
    its sender's: (``sender``, ``document_id``) name it, a DocumentId alone does not."""

    __tablename__ = "node_statuses"
    __table_args__ = (
        UniqueConstraint(
            "sender", "document_id", "reporter", "status_code", "timestamp", name="uq_node_statuses_sender"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The document's sender (``ResponseFor/OrganId``), not the status's.
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    document_id: Mapped[str] = mapped_column(Text, nullable=False)
    reporter: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    addressee: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    status_code: Mapped[str] = mapped_column(String(4), nullable=False)
    timestamp: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    direction: Mapped[str] = mapped_column(String(STATE), nullable=False)
    #: Indexed: statistics read one day at a time.
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, index=True)
    description: Mapped[str | None] = mapped_column(Text)


class DocumentLinkRow(Base):
    """A recall, update or replacement: the later document acting on the earlier one, both of
    one ``sender`` (a sender acts on its own documents only)."""

    __tablename__ = "node_document_links"
    __table_args__ = (
        UniqueConstraint(
            "recipient",
            "sender",
            "earlier_document_id",
            "later_document_id",
            name="uq_node_document_links_recipient",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    earlier_document_id: Mapped[str] = mapped_column(Text, nullable=False)
    later_document_id: Mapped[str] = mapped_column(Text, nullable=False)
    business_type: Mapped[int] = mapped_column(Integer, nullable=False)
    applied: Mapped[bool] = mapped_column(Boolean, nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class LogHeadRow(Base):
    """One row: the last sequence number and entry hash of the message log.

    Every node write transaction updates it first, which serialises writers (a row lock on
    PostgreSQL, the write lock on SQLite) and so keeps the chain a single line.
    """

    __tablename__ = "node_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    entry_hash: Mapped[str] = mapped_column(String(DIGEST), nullable=False)


class LogRow(Base):
    """One entry of the append-only, hash-chained message log."""

    __tablename__ = "node_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(STATE), nullable=False)
    message_id: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    document_id: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    party: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    entry_hash: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
