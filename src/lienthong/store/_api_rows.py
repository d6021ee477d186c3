"""ORM rows of a node's API: its clients (REST tokens and VXP systems) and acknowledgments.

Registered on the same ``Base`` as the node's rows; nothing outside ``store`` sees these classes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import CODE_LENGTH, Base, UtcDateTime

DIGEST = 64


class ApiClientRow(Base):
    """A REST client (bearer token kept as its SHA-256) or a VXP system (systemid and secret)."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    #: REST: SHA-256 (hex) of the bearer token; the token itself is shown once and never kept.
    token_sha256: Mapped[str | None] = mapped_column(String(DIGEST), unique=True)
    #: VXP: the systemid, and the shared HMAC secret (HMAC needs it in clear).
    systemid: Mapped[str | None] = mapped_column(String(200), unique=True)
    secret: Mapped[str | None] = mapped_column(Text)
    #: JSON list of the agency codes the client may act for.
    codes: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)


class ApiAckRow(Base):
    """A client's transport acknowledgment of one received package for one code."""

    __tablename__ = "api_acks"
    __table_args__ = (UniqueConstraint("message_id", "recipient", name="uq_api_acks_message_id_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    recipient: Mapped[str] = mapped_column(String(CODE_LENGTH), nullable=False)
    #: ``done`` or ``fail`` (VXP); REST acknowledgments are ``done``.
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    client: Mapped[str] = mapped_column(String(200), nullable=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
