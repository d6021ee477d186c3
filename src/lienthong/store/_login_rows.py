"""ORM rows of the console's logins: every attempt (the audit) and every lockout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import Base, UtcDateTime

#: Longest user name and client address kept (longer ones are cut).
NAME_LENGTH = 200
ADDRESS_LENGTH = 64


class ConsoleLoginAttemptRow(Base):
    """One login attempt: who, from where, when, and what came of it. Append-only."""

    __tablename__ = "console_login_attempts"
    __table_args__ = (
        Index("ix_console_login_attempts_user_name_at", "user_name", "at"),
        Index("ix_console_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    user_name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), nullable=False)
    #: ``success``, ``failure`` or ``locked`` (refused unchecked during a lockout).
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)


class ConsoleLockoutRow(Base):
    """A user name or a client address refused logins from ``starts_at`` to ``ends_at``."""

    __tablename__ = "console_lockouts"
    __table_args__ = (Index("ix_console_lockouts_kind_subject_ends_at", "kind", "subject", "ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``user`` or ``address``.
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    subject: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    #: The attempt that caused it.
    user_name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), nullable=False)
