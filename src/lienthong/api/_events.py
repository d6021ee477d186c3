"""The API's events: facts of the node's message log, named for document-management software.

Vocabulary (``Event.type``), by the log entry it comes from:

==========================  ====================================================================
``document.received``       a document arrived for one of the client's codes (package in)
``status.received``         a status (01–06) arrived on a document one of its codes sent
``recall.requested``        the sender asks for a received document back (status 13 in)
``recall.answered``         a recipient answered a recall (15 accepted, 16 refused)
``document.sent``           the node accepted a document from the client for one recipient
``status.sent``             likewise a status (including a recall request, 13)
``delivery.delivered``      the recipient's node signed a receipt accepting it
``delivery.rejected``       the recipient's node refused it (``reason``)
``delivery.failed``         the node gave up delivering it (deadline passed, code closed)
``outbox.unaccounted``      the node, restored from a backup, heard from every peer; documents
                            the client sent after ``reason`` (the backup's time) that the node
                            does not hold are listed by ``GET /api/v1/outbox/unaccounted``:
                            send them again with the same DocumentId
==========================  ====================================================================

An event's id is the log's sequence number, so a client resumes after the last id it handled
(``Last-Event-ID``, ``?after=``) and sees each event once per subscription, in order. A client
sees only events of the codes it may act for.
"""

from __future__ import annotations

import asyncio
import enum
import json
import time
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Language
from lienthong._i18n import language as _process_language
from lienthong.api._context import ApiContext
from lienthong.api._models import Event, EventPage
from lienthong.api._views import item_id, message_data, said
from lienthong.evidence import LogKind
from lienthong.store import ApiClientEntry, EventEntry, EventStore, PackageKind


class EventType(enum.StrEnum):
    DOCUMENT_RECEIVED = "document.received"
    STATUS_RECEIVED = "status.received"
    RECALL_REQUESTED = "recall.requested"
    RECALL_ANSWERED = "recall.answered"
    DOCUMENT_SENT = "document.sent"
    STATUS_SENT = "status.sent"
    DELIVERY_DELIVERED = "delivery.delivered"
    DELIVERY_REJECTED = "delivery.rejected"
    DELIVERY_FAILED = "delivery.failed"
    OUTBOX_UNACCOUNTED = "outbox.unaccounted"


_RECALL_ANSWERS = frozenset({"15", "16"})


def event_type(entry: EventEntry) -> EventType:
    """The name of what ``entry`` records (pure)."""
    document = entry.package_kind is PackageKind.DOCUMENT
    if entry.kind is LogKind.PACKAGE_IN:
        if document:
            return EventType.DOCUMENT_RECEIVED
        if entry.status_code == "13":
            return EventType.RECALL_REQUESTED
        if entry.status_code in _RECALL_ANSWERS:
            return EventType.RECALL_ANSWERED
        return EventType.STATUS_RECEIVED
    if entry.kind is LogKind.PACKAGE_OUT:
        return EventType.DOCUMENT_SENT if document else EventType.STATUS_SENT
    if entry.kind is LogKind.RESYNCED:
        return EventType.OUTBOX_UNACCOUNTED
    if entry.kind is LogKind.RECEIPT_IN:
        return EventType.DELIVERY_DELIVERED if entry.accepted else EventType.DELIVERY_REJECTED
    return EventType.DELIVERY_FAILED


def event_model(entry: EventEntry, language: Language | None = None) -> Event:
    """``entry`` as the API's event, its reason in ``language`` (default: the process's, for a
    webhook call, which no request asked for) and as data."""
    received = entry.kind is LogKind.PACKAGE_IN
    reason = entry.reason
    return Event(
        id=entry.seq,
        type=event_type(entry).value,
        at=entry.at,
        code=entry.code,
        party=entry.party,
        message_id=entry.message_id,
        document_id=entry.document_id,
        kind=entry.package_kind.value,
        item_id=item_id(entry.message_id, entry.code) if received else None,
        status_code=entry.status_code,
        reason=said(reason, language or _process_language()),
        reason_message=message_data(reason),
    )


def event_page(
    ctx: ApiContext, codes: tuple[str, ...], *, after: int, limit: int, language: Language = "vi"
) -> EventPage:
    limit = max(1, min(limit, ctx.settings.max_page))
    with EventStore.begin(ctx.node.database) as store:
        page = store.events(codes=codes, after=after, limit=limit)
    return EventPage(events=[event_model(e, language) for e in page.events], next_after=page.scanned_to)


def sse_frame(event: Event) -> str:
    """One server-sent event: ``id``, ``event`` (the type) and ``data`` (JSON, one line)."""
    data = json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n"


async def sse_stream(
    ctx: ApiContext, client: ApiClientEntry, *, after: int, language: Language = "vi"
) -> AsyncIterator[str]:
    """Events after ``after`` as they are logged; a comment line now and then keeps proxies from
    closing an idle stream. Ends when the API stops (``ctx.stopping``)."""
    settings = ctx.settings
    yield f"retry: {int(settings.events_poll * 4000)}\n\n"
    cursor = after
    quiet_since = time.monotonic()
    while True:
        page = await run_in_threadpool(
            event_page, ctx, client.codes, after=cursor, limit=100, language=language
        )
        cursor = page.next_after
        for event in page.events:
            yield sse_frame(event)
        if ctx.stopping.is_set():
            return
        if page.events:
            quiet_since = time.monotonic()
            continue
        if time.monotonic() - quiet_since >= settings.events_heartbeat:
            yield ": keepalive\n\n"
            quiet_since = time.monotonic()
        await _idle(ctx)


async def _idle(ctx: ApiContext) -> None:
    """Wait ``events_poll`` seconds, in short naps so that stopping is noticed at once."""
    settings = ctx.settings
    naps = max(1, round(settings.events_poll / settings.events_wake))
    for _ in range(naps):
        if ctx.stopping.is_set():
            return
        await asyncio.sleep(settings.events_wake)
