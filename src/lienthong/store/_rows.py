"""ORM rows: the only place tables are described. Nothing outside ``store`` sees these classes.

Every row that a network configuration carries has a ``version``: the directory's change
counter when the row last changed, so "what changed since version N" is one indexed query.
Deletions leave a ``TombstoneRow`` with the version of the deletion for the same reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Constraint names fixed by convention, so migrations name them the same on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE_LENGTH = 32
FINGERPRINT_LENGTH = 64


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; SQLite keeps no zone, so naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DirectoryStateRow(Base):
    """One row: the directory's change counter (the version of the next configuration)."""

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)


class AgencyRow(Base):
    """One period of one agency code; a code renamed or reorganised has several rows."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("code", "valid_from", name="uq_agencies_code_valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False, index=True)
    class_letter: Mapped[str] = mapped_column(String(1), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    parent: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    name: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


class NodeRow(Base):
    """A connection point: its name, where peers reach it, its TLS certificate."""

    __tablename__ = "nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    peer_url: Mapped[str] = mapped_column(Text, nullable=False)
    tls_certificate_pem: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    #: The node's seal certificate, when it seals with a key other than its TLS key.
    seal_certificate_pem: Mapped[str | None] = mapped_column(Text)
    #: The TLS certificate the node rolls over to; peers accept it beside the current one.
    next_tls_certificate_pem: Mapped[str | None] = mapped_column(Text)


class SubtreeRow(Base):
    """A node serves this code and every unit below it, unless a longer rule says otherwise."""

    __tablename__ = "node_subtrees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False, unique=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


class BindingRow(Base):
    """An agency signing certificate bound to the code it may sign for."""

    __tablename__ = "certificate_bindings"
    __table_args__ = (
        UniqueConstraint("fingerprint", "code", name="uq_certificate_bindings_fingerprint_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    subtree: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    certificate_pem: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


class AnchorRow(Base):
    """A trust anchor (root CA) of the network."""

    __tablename__ = "trust_anchors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH), nullable=False, unique=True)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    certificate_pem: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


class CrlRow(Base):
    """The latest certificate revocation list of one issuer."""

    __tablename__ = "revocation_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(Text, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH), nullable=False, unique=True)
    crl_pem: Mapped[str] = mapped_column(Text, nullable=False)
    this_update: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    next_update: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)


class TombstoneRow(Base):
    """A deletion, kept so a delta can tell nodes what to forget."""

    __tablename__ = "tombstones"
    __table_args__ = (Index("ix_tombstones_version", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    key: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)


class AuditRow(Base):
    """Who changed what, and when. Append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(50), nullable=False)
    subject: Mapped[str] = mapped_column(Text, nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
