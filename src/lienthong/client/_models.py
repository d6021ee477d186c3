"""The shapes the node's REST API answers with, as typed, immutable models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from lienthong import _i18n
from lienthong._i18n import Message
from lienthong.client._errors import known


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def reason_of(data: dict[str, Any] | None, text: str | None) -> Message | str | None:
    """A reason the node gave as data (``{"code", "params"}``) and as its own sentence: the data,
    to be rendered in the reader's language, unless this SDK does not know its code (a newer
    node's) or it is not a message; then the sentence (which is all an older node sends)."""
    if data:
        try:
            message = Message.from_json(data)
        except ValueError:
            return text
        if text is None or known(message, _i18n.language()):
            return message
    return text


class Sent(_Model):
    """What the node answered a submission with."""

    message_id: str
    document_id: str
    package_sha256: str
    recipients: list[str]
    repeated: bool


class InboxItem(_Model):
    """One received package for one recipient code; ``id`` names it in later calls."""

    id: str
    position: int
    message_id: str
    document_id: str
    kind: str
    sender: str
    recipient: str
    received_at: datetime
    disposition: str
    superseded_by: str | None = None
    acknowledged: str | None = None
    acknowledged_at: datetime | None = None
    #: A document's subject, number, notation and sender's name, as its package says.
    subject: str | None = None
    number: str | None = None
    notation: str | None = None
    sender_name: str | None = None
    #: The last status code the recipient reported on it (``01``–``06``, ``15``, ``16``).
    status_sent: str | None = None

    @property
    def unread(self) -> bool:
        """No status reported and not acknowledged: nobody has dealt with it yet."""
        return self.status_sent is None and self.acknowledged is None


class InboxPage(_Model):
    items: list[InboxItem]
    next_cursor: int | None = None


class TimelineStep(_Model):
    document_id: str
    reporter: str
    addressee: str
    status_code: str
    label: str
    timestamp: datetime
    direction: str
    description: str | None = None


class DocumentView(_Model):
    """A received document: its item, the package as JSON, and its signature reports."""

    item: InboxItem
    package: dict[str, Any]
    signature: dict[str, Any]
    attachment_signatures: list[dict[str, Any]]
    timeline: list[TimelineStep]


class RecipientState(_Model):
    recipient: str
    deliver_to: str
    delivery: str
    attempts: int
    #: Why the last delivery failed or was refused, in the words of the node (in the language
    #: the client asked for); ``last_error_message`` is the same as data, from a newer node.
    last_error: str | None = None
    delivered_at: datetime | None = None
    business_status: str | None = None
    business_status_at: datetime | None = None
    last_error_message: dict[str, Any] | None = Field(
        default=None, validation_alias=AliasChoices("last_error_message", "reason_message")
    )

    @property
    def why(self) -> Message | str | None:
        """Why the last delivery failed or was refused: a ``Message`` to render, or a sentence."""
        return reason_of(self.last_error_message, self.last_error)


class OutboxMessage(_Model):
    """A sent document: delivery and business status per recipient, and its timeline."""

    message_id: str
    document_id: str
    kind: str
    sender: str
    created_at: datetime
    recipients: list[RecipientState]
    timeline: list[TimelineStep]


class OutboxPage(_Model):
    items: list[OutboxMessage]
    next_cursor: int | None = None


class Agency(_Model):
    code: str
    name: str | None = None
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    node: str | None = None


class Document(_Model):
    """Metadata of a document the node builds and signs (``compose``)."""

    sender: str
    to: list[str]
    number: str
    notation: str
    subject: str
    sender_name: str | None = None
    content: str | None = None
    promulgated_on: date | None = None
    place: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signs the document (edXML ``SignerInfo``), given to ``compose``."""

    name: str
    position: str | None = None
    competence: str | None = None


class Event(_Model):
    """Something that happened to a document of one of the client's codes (``/api/v1/events``)."""

    #: Increasing, never reused: resume after it (``Last-Event-ID``, ``after``).
    id: int
    #: ``document.received``, ``status.received``, ``recall.requested``, ``recall.answered``,
    #: ``document.sent``, ``status.sent``, ``delivery.delivered``, ``delivery.rejected``,
    #: ``delivery.failed``.
    type: str
    at: datetime
    #: The client's agency code concerned; ``party`` is the other side.
    code: str
    party: str
    message_id: str
    document_id: str
    kind: str
    #: For packages received: the inbox item (``/api/v1/inbox/{item_id}``).
    item_id: str | None = None
    status_code: str | None = None
    #: A refusal's or a status's reason, as the node words it; ``reason_message``, as data.
    reason: str | None = None
    reason_message: dict[str, Any] | None = None

    @property
    def why(self) -> Message | str | None:
        """The reason: a ``Message`` to render in the reader's language, or a sentence."""
        return reason_of(self.reason_message, self.reason)


class EventPage(_Model):
    events: list[Event]
    #: Pass back as ``after`` for the next page (it moves even when no event was in scope).
    next_after: int


class Webhook(_Model):
    """A client's webhook; ``secret`` only in the answer that registered it."""

    url: str
    cursor: int
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    secret: str | None = None
