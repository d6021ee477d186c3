"""The operator's message search (incoming and outgoing), each message's whole history (what
``lienthong node trace`` prints, from the same ``document_trace``), and its evidence bundle
(``export_evidence``, as ``lienthong node evidence`` writes it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Message, msg
from lienthong.console._operator_access import OPERATOR, PAGE_SIZE, Pager, operator_session
from lienthong.console._web import Console
from lienthong.edxml import VIETNAM_TZ, StatusCode
from lienthong.errors import LienthongError
from lienthong.evidence import load_message
from lienthong.node import MAX_REASON, DocumentTrace, document_trace, export_evidence
from lienthong.store import DeliveryState, Direction, MessageQuery, MessageSummary, NodeStore, OutboxEntry

_HEX = re.compile(r"[0-9a-fA-F]{1,64}")
_MESSAGE_ID = re.compile(r"[0-9a-f]{64}")
#: An agency code as typed (lenient: legacy codes are served too).
_CODE = re.compile(r"[0-9A-Za-z.]{1,32}")
#: The filters a search form holds, by their query parameter.
FIELDS: Final = ("document", "message", "agency", "status", "delivery", "direction", "from", "to")
STATUS_CODES: Final = tuple(code.value for code in StatusCode)


@dataclass(frozen=True, slots=True)
class History:
    """One message's history: the trace of its document, and its deliveries from here."""

    message_id: str
    trace: DocumentTrace
    deliveries: tuple[OutboxEntry, ...]
    received: tuple[MessageSummary, ...]


def parse_query(values: dict[str, str]) -> tuple[MessageQuery, dict[str, Message]]:
    """The search ``values`` ask for, and what is wrong with any of them (by field)."""
    errors: dict[str, Message] = {}
    message = values["message"].lower()
    if message and not _HEX.fullmatch(message):
        errors["message"] = msg("console-op-bad-message-id")
    agency = values["agency"]
    if agency and not _CODE.fullmatch(agency):
        errors["agency"] = msg("console-op-bad-agency")
    if values["status"] and values["status"] not in STATUS_CODES:
        errors["status"] = msg("console-op-bad-choice")
    delivery: DeliveryState | None = _choice(DeliveryState, values["delivery"], "delivery", errors)
    direction: Direction | None = _choice(Direction, values["direction"], "direction", errors)
    since = _day(values["from"], "from", errors)
    until = _day(values["to"], "to", errors)
    query = MessageQuery(
        document_id=values["document"] or None,
        message_id=message or None,
        agency=agency or None,
        status=values["status"] or None,
        delivery=delivery,
        direction=direction,
        since=since,
        # The day typed is included: the search ends where the next day begins.
        until=None if until is None else until + timedelta(days=1),
    )
    return query, errors


def _choice(kind: type[Any], text: str, field: str, errors: dict[str, Message]) -> Any:
    """The member of enum ``kind`` named ``text`` (None if empty; wrong: an error on ``field``)."""
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        errors[field] = msg("console-op-bad-choice")
        return None


def _day(text: str, field: str, errors: dict[str, Message]) -> datetime | None:
    """The start of a day (``YYYY-MM-DD``) in Vietnam, where the documents' days are counted."""
    if not text:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), time(), VIETNAM_TZ)
    except ValueError:
        errors[field] = msg("console-op-bad-date")
        return None


def _search(console: Console, query: MessageQuery, number: int) -> tuple[list[MessageSummary], int, int]:
    with NodeStore.begin(console.node.database, write=False) as store:
        rows, total = store.search_messages(query, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        last = max(1, -(-total // PAGE_SIZE))
        if not rows and number > last:  # past the end (the list shrank): its last page
            number = last
            rows, total = store.search_messages(query, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return rows, total, number


def _history(console: Console, message_id: str) -> History | None:
    node = console.node
    trace = document_trace(node=node.name, database=node.database, blobs=node.blobs, name=message_id)
    with NodeStore.begin(node.database, write=False) as store:
        deliveries = tuple(store.outbox(message_id=message_id))
        received, _ = store.search_messages(MessageQuery(message_id=message_id), offset=0, limit=100)
    incoming = tuple(r for r in received if r.direction is Direction.IN)
    if not trace.log and not trace.legs and not deliveries and not incoming:
        return None
    return History(message_id, trace, deliveries, incoming)


def log_note(note: str) -> Message | str:
    """A log entry's note as people read it: a message in the page's language, else as logged."""
    return load_message(note) or ""


def message_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(OPERATOR, response_class=HTMLResponse)
    async def home() -> Response:
        return RedirectResponse(f"{OPERATOR}/messages", status_code=303)

    @router.get(f"{OPERATOR}/messages", response_class=HTMLResponse)
    async def search(request: Request) -> Response:
        session = operator_session(console, request)
        if isinstance(session, Response):
            return session
        values = {name: str(request.query_params.get(name, "")).strip()[:200] for name in FIELDS}
        query, errors = parse_query(values)
        context: dict[str, Any] = {
            "values": values,
            "errors": errors,
            "status_codes": STATUS_CODES,
            "delivery_states": [s.value for s in DeliveryState],
        }
        if errors:
            context.update(rows=[], pager=Pager(1, 0))
            return console.render(request, "operator_messages.html", context, status=422)
        rows, total, number = await run_in_threadpool(_search, console, query, Pager.asked(request))
        kept = tuple((name, value) for name, value in values.items() if value)
        context.update(rows=rows, pager=Pager(number, total, kept))
        return console.render(request, "operator_messages.html", context)

    @router.get(f"{OPERATOR}/messages/{{message_id}}", response_class=HTMLResponse)
    async def history(request: Request, message_id: str) -> Response:
        session = operator_session(console, request)
        if isinstance(session, Response):
            return session
        if not _MESSAGE_ID.fullmatch(message_id):
            return console.refused(request, 404, "not_found")
        found = await run_in_threadpool(_history, console, message_id)
        if found is None:
            return console.refused(request, 404, "not_found")
        context = {
            "h": found,
            "log_note": log_note,
            "now": console.clock(),
            "back": f"{OPERATOR}/messages/{message_id}",
            "errors": {},
            "reasons": {},
            "max_reason": MAX_REASON,
            "done": request.query_params.get("done", ""),
        }
        return console.render(request, "operator_history.html", context)

    @router.get(f"{OPERATOR}/messages/{{message_id}}/evidence.zip")
    async def evidence(request: Request, message_id: str) -> Response:
        session = operator_session(console, request)
        if isinstance(session, Response):
            return session
        if not _MESSAGE_ID.fullmatch(message_id):
            return console.refused(request, 404, "not_found")
        node = console.node

        def export() -> bytes:
            return export_evidence(
                node=node.name, database=node.database, blobs=node.blobs, key=node.key,
                document_id=message_id, at=console.clock(),
            )  # fmt: skip

        try:
            data = await run_in_threadpool(export)
        except LienthongError:  # nothing logged about it here
            return console.refused(request, 404, "not_found")
        await run_in_threadpool(console.audit, request, session.principal, "evidence-exported", message_id)
        return Response(
            data,
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="evidence-{message_id[:16]}.zip"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    return router
