"""Nhật ký: the node's audit log for its operators (filters, pages, CSV and JSON exports), and
the console's logins (every attempt, success, failure or refused by a lockout) on a second tab.

Operators and administrators read it; nobody writes it from here. Pages go back by entry id
(``before``), so a page is one indexed query however long the log.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from lienthong.console._audit_view import PAGE, AuditFilter, FilterError, csv_lines, describe, json_chunks
from lienthong.console._users import Role
from lienthong.console._web import PREFIX, Console, language, may
from lienthong.store import LoginAttempt, LoginStore, NodeAudit

AUDIT: Final = f"{PREFIX}/operator/audit"
#: Who may read the audit log and the logins.
VIEW_ROLES: Final = frozenset({Role.OPERATOR})


def _before(request: Request) -> int | None:
    value = request.query_params.get("before", "")
    return int(value) if value.isdigit() else None


def audit_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def allowed(request: Request) -> Response | None:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not may(session.principal, VIEW_ROLES):
            return console.refused(request, 403, "forbidden")
        return None

    @router.get(AUDIT, response_class=HTMLResponse)
    async def audit(request: Request) -> Response:
        refusal = allowed(request)
        if refusal is not None:
            return refusal
        query = dict(request.query_params)
        if query.get("tab") == "logins":
            return await logins(request, query)
        lang = language(request)
        context: dict[str, Any] = {"tab": "log", "errors": {}, "values": query, "older": "", "newest": None}
        try:
            chosen = AuditFilter.from_query(query)
        except FilterError as exc:
            context |= {"errors": {exc.field: "bad_date"}, "entries": [], "actions": []}
            return console.render(request, "operator_audit.html", context, status=422)
        database = console.node.database
        found = await run_in_threadpool(chosen.entries, database, before=_before(request), limit=PAGE + 1)

        def actions() -> list[str]:
            with NodeAudit.begin(database) as log:
                return log.actions()

        kept = chosen.query()
        context |= {
            "entries": [(e, describe(e, lang)) for e in found[:PAGE]],
            "actions": await run_in_threadpool(actions),
            "older": urlencode({**kept, "before": found[PAGE - 1].id}) if len(found) > PAGE else "",
            "newest": urlencode(kept) if _before(request) else None,
            "export": urlencode(kept),
        }
        return console.render(request, "operator_audit.html", context)

    async def logins(request: Request, query: dict[str, str]) -> Response:
        context: dict[str, Any] = {"tab": "logins", "errors": {}, "values": query, "attempts": []}
        context |= {"older": "", "newest": None}
        try:
            chosen = AuditFilter.from_query(query)
        except FilterError as exc:
            context["errors"] = {exc.field: "bad_date"}
            return console.render(request, "operator_audit.html", context, status=422)
        since, until = chosen.times()
        user = query.get("user", "").strip()[:64] or None
        address = query.get("address", "").strip()[:64] or None

        def read() -> list[LoginAttempt]:
            with LoginStore.begin(console.node.database) as store:
                return store.attempts(
                    limit=PAGE + 1,
                    user=user,
                    address=address,
                    since=since,
                    until=until,
                    before=_before(request),
                )

        found = await run_in_threadpool(read)
        kept = {**chosen.query(), "tab": "logins", "user": user or "", "address": address or ""}
        kept = {name: value for name, value in kept.items() if value}
        context |= {
            "attempts": found[:PAGE],
            "older": urlencode({**kept, "before": found[PAGE - 1].id}) if len(found) > PAGE else "",
            "newest": urlencode(kept) if _before(request) else None,
        }
        return console.render(request, "operator_audit.html", context)

    async def export(request: Request, kind: str) -> Response:
        refusal = allowed(request)
        if refusal is not None:
            return refusal
        try:
            chosen = AuditFilter.from_query(dict(request.query_params))
        except FilterError as exc:
            return Response(f"{exc.field}: YYYY-MM-DD\n", status_code=422, media_type="text/plain")
        lang = language(request)
        entries = chosen.every(console.node.database)
        # A sync iterator: Starlette reads it in a worker thread, a batch of the log at a time.
        if kind == "csv":
            body, media = csv_lines(entries, lang), "text/csv; charset=utf-8"
        else:
            body, media = json_chunks(entries, lang), "application/json"
        name = f"audit.{kind}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        return StreamingResponse((chunk.encode("utf-8") for chunk in body), media_type=media, headers=headers)

    @router.get(f"{AUDIT}.csv")
    async def export_csv(request: Request) -> Response:
        return await export(request, "csv")

    @router.get(f"{AUDIT}.json")
    async def export_json(request: Request) -> Response:
        return await export(request, "json")

    return router
