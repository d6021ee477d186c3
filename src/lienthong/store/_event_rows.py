"""ORM rows of the API's events: webhook registrations and how far each has been acknowledged.

The events themselves are not stored: they are read from the message log (``node_log``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lienthong.store._rows import Base, UtcDateTime


class ApiWebhookRow(Base):
    """A REST client's webhook: where events are POSTed, the HMAC secret, the delivery cursor."""

    __tablename__ = "api_webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The client (``api_clients.name``) whose events go there; one webhook per client.
    client: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    url: Mapped[str] = mapped_column(Text, nullable=False)
    #: Shared HMAC key (kept in clear: signing needs it); shown to the client once.
    secret: Mapped[str] = mapped_column(Text, nullable=False)
    #: The last event (log sequence number) the webhook acknowledged with a 2xx.
    cursor: Mapped[int] = mapped_column(Integer, nullable=False)
    #: Failed attempts at the next event since the last acknowledgment.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: A dispatcher's claim, so two node processes on one database never both send.
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
