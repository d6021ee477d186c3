"""ORM rows that let several node processes on one database act as one: leases and web sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import Base, UtcDateTime

LEASE_NAME_LENGTH = 200
HOLDER_LENGTH = 200


class LeaseRow(Base):
    """A named lease: who holds it and until when (``lienthong.store.Lease``)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(LEASE_NAME_LENGTH), primary_key=True)
    holder: Mapped[str] = mapped_column(String(HOLDER_LENGTH), nullable=False)
    #: When the holder took it (kept while it renews): a takeover sets it anew.
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class WebSessionRow(Base):
    """An open browser session of the console or the portal, known by a digest of its cookie."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"),)

    #: SHA-256 (hex) of the session's cookie value: the database never holds a usable cookie.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Whose session: ``console`` or ``portal`` (one table, never a session of the other).
    scope: Mapped[str] = mapped_column(String(20), nullable=False)
    #: Who is logged in, as the pages encoded it.
    principal: Mapped[str] = mapped_column(Text, nullable=False)
    csrf: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
