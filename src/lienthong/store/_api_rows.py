"""ORM rows of a node's API: its clients (REST tokens and VXP systems), acknowledgments, and
the VXP requests already accepted (the replay memory every process of the node shares).

Registered on the same ``Base`` as the node's rows; nothing outside ``store`` sees these classes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
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
    #: VXP: the zone its timestamps are read in, as given (``Asia/Ho_Chi_Minh``, ``+07:00``);
    #: None: read as Vietnam's time or as UTC.
    vxp_timezone: Mapped[str | None] = mapped_column(String(64))
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


class VxpReplayRow(Base):
    """A VXP request accepted, by its systemid and MAC, held until none of its timestamp's
    readings can be fresh any more: a second arrival is a replay, whichever process it reaches."""

    __tablename__ = "api_vxp_replays"
    __table_args__ = (
        UniqueConstraint("systemid", "mac", name="uq_api_vxp_replays_systemid_mac"),
        Index("ix_api_vxp_replays_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    systemid: Mapped[str] = mapped_column(String(200), nullable=False)
    #: The request's HMAC, lowercase hex.
    mac: Mapped[str] = mapped_column(String(DIGEST), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
