"""The document index's row: what the console's lists read about each
document, written once when the document is received or submitted (never parsed per view)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._node_rows import DIGEST, STATE
from lienthong.store._rows import CODE_LENGTH, Base, UtcDateTime


class DocumentIndexRow(Base):
    """One document as one party's list shows it: per (direction, message, recipient)."""

    __tablename__ = "node_document_index"
    __table_args__ = (
        UniqueConstraint("direction", "message_id", "recipient", name="uq_node_document_index_message"),
        # The lists are scoped by the user's codes (an inbox by recipient, an outbox by sender)
        # and read newest first; the other filters narrow those.
        Index("ix_node_document_index_recipient_at", "direction", "recipient", "at"),
        Index("ix_node_document_index_sender_at", "direction", "sender", "at"),
        Index("ix_node_document_index_urgency", "direction", "urgency"),
        Index("ix_node_document_index_package", "package_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(STATE), nullable=False)
    message_id: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    document_id: Mapped[str] = mapped_column(Text, nullable=False)
    sender: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    package_sha256: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    number: Mapped[str] = mapped_column(Text, nullable=False)
    notation: Mapped[str] = mapped_column(Text, nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    #: ``lienthong._i18n.fold`` of number/notation, subject, type and codes: what a search matches.
    search: Mapped[str] = mapped_column(Text, nullable=False)
    #: ``lienthong._i18n.fold`` of the subject: its sort key.
    subject_key: Mapped[str] = mapped_column(Text, nullable=False)
    #: edXML ``OtherInfo/Priority`` as carried (None when absent).
    urgency: Mapped[int | None] = mapped_column(Integer)
    #: edXML ``DocumentType/TypeName``.
    document_type: Mapped[str | None] = mapped_column(Text)
    promulgated_on: Mapped[date | None] = mapped_column(Date)
    #: Received here (inbox) or submitted here (outbox).
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    attachments: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The PDF signatures' verdict (``valid``, ``invalid``, ``unsigned``, ``none``) once known.
    pdf: Mapped[str | None] = mapped_column(String(STATE))
