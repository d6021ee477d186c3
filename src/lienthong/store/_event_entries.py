"""What the API's events are made of, as frozen values (``_event_store`` reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lienthong._i18n import Message
from lienthong.evidence import LogKind
from lienthong.store._node_entries import PackageKind


@dataclass(frozen=True, slots=True)
class EventEntry:
    """A fact of the message log, resolved to the agency code served here that it concerns."""

    #: The log sequence number: the event's id, increasing, never reused.
    seq: int
    at: datetime
    kind: LogKind
    message_id: str
    document_id: str
    #: The agency code served here: recipient of a package in, sender of a package out.
    code: str
    #: The code on the other side.
    party: str
    package_kind: PackageKind
    #: A status package's code (01–16); None for documents.
    status_code: str | None = None
    #: The inbox position of a package in.
    position: int | None = None
    #: A receipt in: did the peer accept the package?
    accepted: bool | None = None
    #: The peer's refusal, or why delivery was given up: a message (a sentence in entries
    #: written before messages were data).
    reason: Message | str | None = None


@dataclass(frozen=True, slots=True)
class EventPage:
    """Events after a cursor, and how far the log was read (the next cursor, even when every
    entry read was out of scope)."""

    events: tuple[EventEntry, ...]
    scanned_to: int


@dataclass(frozen=True, slots=True)
class WebhookEntry:
    """A REST client's webhook and where its delivery stands."""

    client: str
    url: str
    secret: str
    #: The last event acknowledged with a 2xx.
    cursor: int
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    last_error: str | None = None
