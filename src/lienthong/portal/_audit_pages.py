"""The directory's audit log in the portal admin: filtered by who, what kind of change, which
subject and which days (Vietnam's), a page at a time, and exported whole as CSV or JSON.

It reads the one log every change writes (``DirectoryRegistry.audit``), whether it came through
the admin API, the command line or these pages.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import msg
from lienthong.directory import AuditEntry, DirectoryRegistry, Scope
from lienthong.edxml import VIETNAM_TZ
from lienthong.portal._csv import audit_csv
from lienthong.portal._kit import Errors, Pages, parse_day

_BASE: Final = "/portal/admin/audit"
PAGE_SIZE: Final = 50
#: What an export reads at a time: all of it in the end, never all at once.
_CHUNK: Final = 1000
#: The kinds of change the log records (the part of an action before its dot).
KINDS: Final = ("agency", "node", "certificate", "anchor", "crl")


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""
    kind: str = ""
    subject: str = ""
    start: str = ""
    end: str = ""

    def arguments(self) -> dict[str, Any]:
        """The filter as ``DirectoryRegistry.audit``'s keywords; days are Vietnam's, ``end`` included."""
        first, last = parse_day(self.start), parse_day(self.end)
        return {
            "actor": self.actor or None,
            "action": self.kind or None,
            "subject": self.subject or None,
            "since": None if first is None else datetime.combine(first, time(), VIETNAM_TZ),
            "until": None if last is None else datetime.combine(last + timedelta(days=1), time(), VIETNAM_TZ),
        }

    def errors(self) -> Errors:
        return {
            name: msg("portal-bad-date")
            for name, text in (("start", self.start), ("end", self.end))
            if text and parse_day(text) is None
        }


def filter_of(request: Request) -> AuditFilter:
    params = request.query_params
    kind = params.get("kind", "")
    return AuditFilter(
        actor=params.get("actor", "").strip()[:200],
        kind=kind if kind in KINDS else "",
        subject=params.get("subject", "").strip()[:200],
        start=params.get("from", "").strip()[:10],
        end=params.get("to", "").strip()[:10],
    )


def every_entry(registry: DirectoryRegistry, wanted: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry the filter keeps, newest first, read a chunk at a time."""
    offset = 0
    while True:
        chunk = registry.audit(limit=_CHUNK, offset=offset, **wanted.arguments())
        yield from chunk
        if len(chunk) < _CHUNK:
            return
        offset += _CHUNK


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    record = dataclasses.asdict(entry)
    record["at"] = entry.at.isoformat()
    return record


def audit_router(pages: Pages) -> APIRouter:
    registry = pages.portal.figures.registry
    router = APIRouter(include_in_schema=False)

    @router.get(_BASE, response_class=HTMLResponse)
    async def audit(request: Request) -> Response:
        session = pages.admin(request, Scope.AUDIT_READ)
        if isinstance(session, Response):
            return session
        wanted = filter_of(request)
        errors = wanted.errors()
        text = request.query_params.get("page", "")
        number = int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1
        entries: list[AuditEntry] = []
        if not errors:
            offset = (number - 1) * PAGE_SIZE
            # One more than a page: whether a next page exists, without counting the whole log.
            entries = await run_in_threadpool(
                lambda: registry.audit(limit=PAGE_SIZE + 1, offset=offset, **wanted.arguments())
            )
        context = {
            "entries": entries[:PAGE_SIZE],
            "more": len(entries) > PAGE_SIZE,
            "page": number,
            "f": wanted,
            "kinds": KINDS,
            "errors": errors,
        }
        return pages.render(request, "admin_audit.html", context, status=422 if errors else 200)

    @router.get(f"{_BASE}.{{kind}}")
    async def export(request: Request, kind: str) -> Response:
        session = pages.admin(request, Scope.AUDIT_READ)
        if isinstance(session, Response):
            return session
        if kind not in {"csv", "json"}:
            return pages.render(request, "refused.html", {"message_key": "not_found"}, status=404)
        wanted = filter_of(request)
        if wanted.errors():
            return pages.render(request, "refused.html", {"message_key": "bad_date"}, status=422)
        entries = await run_in_threadpool(lambda: list(every_entry(registry, wanted)))
        if kind == "csv":
            body, media = audit_csv(entries), "text/csv; charset=utf-8"
        else:
            document = [_entry_json(entry) for entry in entries]
            body, media = json.dumps(document, ensure_ascii=False, indent=1).encode(), "application/json"
        disposition = f'attachment; filename="lienthong-directory-audit.{kind}"'
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    return router
