"""The registry's agencies in the portal admin: search, view, open a code, close it with a successor,
import a CSV of records or of a reorganisation.

Each change calls the registry's own method (``DirectoryRegistry.add_agency``, ``close_agency``,
``import_csv``, ``reorganize``)
as the admin API's routes do, with the logged-in admin as the actor: one code path, one set of
rules, one audit entry, whichever way the change came in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import fold, msg
from lienthong.codes import parse_code
from lienthong.directory import AgencyEntry, DirectoryRegistry, Scope, apply_csv_upload
from lienthong.errors import CodeError, LienthongError
from lienthong.portal._kit import Errors, Pages, field_of, parse_day, upload

#: Rows a page of the agency search shows; the pages after it are a click away.
PAGE_SIZE: Final = 50
_BASE: Final = "/portal/admin/agencies"


@dataclass(frozen=True, slots=True)
class AgencyLine:
    """A code as the search lists it: its latest period."""

    entry: AgencyEntry
    open: bool


def search(registry: DirectoryRegistry, query: str, *, today: date) -> list[AgencyLine]:
    """Every code whose code or name holds ``query`` (without diacritics, any case), by code."""
    needle = fold(query.strip())
    latest: dict[str, AgencyEntry] = {}
    for entry in registry.snapshot().agencies:  # by code, then start: the last one wins
        latest[entry.code] = entry
    return [
        AgencyLine(entry, entry.valid_to is None or today < entry.valid_to)
        for code, entry in sorted(latest.items())
        if not needle or needle in fold(code) or needle in fold(entry.name or "")
    ]


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1


def agency_router(pages: Pages) -> APIRouter:
    registry = pages.portal.figures.registry
    today = pages.portal.figures.today
    router = APIRouter(include_in_schema=False)

    async def listing(request: Request, *, errors: Errors, values: dict[str, str], status: int) -> Response:
        query = request.query_params.get("q", "")[:200]
        number = _page_number(request.query_params.get("page", ""))
        lines = await run_in_threadpool(search, registry, query, today=today())
        shown = lines[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
        context = {
            "query": query,
            "lines": shown,
            "total": len(lines),
            "page": number,
            "pages": max(1, -(-len(lines) // PAGE_SIZE)),
            "errors": errors,
            "values": values,
            "imported": request.query_params.get("imported", ""),
        }
        return pages.render(request, "admin_agencies.html", context, status=status)

    @router.get(_BASE, response_class=HTMLResponse)
    async def agencies(request: Request) -> Response:
        session = pages.admin(request, Scope.AGENCIES_READ)
        if isinstance(session, Response):
            return session
        return await listing(request, errors={}, values={}, status=200)

    @router.post(_BASE, response_class=HTMLResponse)
    async def add(request: Request) -> Response:
        guarded = await pages.form(request, Scope.AGENCIES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        values = {name: str(form.get(name, "")).strip() for name in ("code", "name", "parent", "valid_from")}
        errors: Errors = {}
        valid_from = parse_day(values["valid_from"]) if values["valid_from"] else None
        if values["valid_from"] and valid_from is None:
            errors["valid_from"] = msg("portal-bad-date")
        if values["parent"] and not errors:
            errors.update(_parent_refusal(values["code"], values["parent"]))
        if not errors:
            try:
                entry = await run_in_threadpool(
                    lambda: registry.add_agency(
                        values["code"],
                        name=values["name"] or None,
                        valid_from=valid_from,
                        actor=session.principal.name,
                    )
                )
            except LienthongError as exc:
                errors = field_of(exc, {"codes-record-overlap": "valid_from"}, "code")
            else:
                return RedirectResponse(f"{_BASE}/{entry.code}?saved=1", status_code=303)
        return await listing(request, errors=errors, values=values, status=422)

    @router.post(f"{_BASE}/import", response_class=HTMLResponse)
    async def import_csv(request: Request) -> Response:
        guarded = await pages.form(request, Scope.AGENCIES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        data = await upload(form, "csv")
        # The admin API's two CSV routes: records merged, or a reorganisation (old → successor).
        apply = registry.reorganize if form.get("reorganize") == "1" else registry.import_csv
        try:
            changed = await run_in_threadpool(
                apply_csv_upload, data, lambda path: apply(path, actor=session.principal.name)
            )
        except LienthongError as exc:
            return await listing(request, errors={"csv": exc.message}, values={}, status=422)
        return RedirectResponse(f"{_BASE}?imported={changed}", status_code=303)

    async def view(
        request: Request, code: str, *, errors: Errors, values: dict[str, str], status: int
    ) -> Response:
        def load() -> dict[str, Any]:
            history = registry.agency(code)
            text = history[0].code
            day = today()
            return {
                "code": text,
                "history": history,
                "current": history[-1],
                "open": history[-1].valid_to is None or day < history[-1].valid_to,
                "parent": _parent_of(text),
                "route": registry.network().route(text, at=day),
                "bindings": [b for b in registry.snapshot().bindings if b.code == text],
                "entries": registry.audit(subject=text, limit=20),
            }

        try:
            data = await run_in_threadpool(load)
        except LienthongError:
            return pages.render(request, "refused.html", {"message_key": "not_found"}, status=404)
        saved = request.query_params.get("saved") == "1"
        context = {**data, "errors": errors, "values": values, "saved": saved}
        return pages.render(request, "admin_agency.html", context, status=status)

    @router.get(f"{_BASE}/{{code}}", response_class=HTMLResponse)
    async def agency(request: Request, code: str) -> Response:
        session = pages.admin(request, Scope.AGENCIES_READ)
        if isinstance(session, Response):
            return session
        return await view(request, code, errors={}, values={}, status=200)

    @router.post(f"{_BASE}/{{code}}/close", response_class=HTMLResponse)
    async def close(request: Request, code: str) -> Response:
        guarded = await pages.form(request, Scope.AGENCIES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        values = {name: str(form.get(name, "")).strip() for name in ("on", "successor")}
        errors: Errors = {}
        on = parse_day(values["on"])
        if on is None:
            errors["on"] = msg("portal-bad-date")
        else:
            day = on
            try:
                await run_in_threadpool(
                    lambda: registry.close_agency(
                        code, on=day, successor=values["successor"] or None, actor=session.principal.name
                    )
                )
            except CodeError as exc:  # the code itself is in the address: a bad code is the successor's
                errors = {"successor": exc.message}
            except LienthongError as exc:
                errors = field_of(exc, {"directory-successor-unknown": "successor"}, "on")
            else:
                return RedirectResponse(f"{_BASE}/{code}?saved=1", status_code=303)
        return await view(request, code, errors=errors, values=values, status=422)

    return router


def _parent_of(code: str) -> str | None:
    parent = parse_code(code, lenient=True).parent
    return None if parent is None else parent.text


def _parent_refusal(code: str, parent: str) -> Errors:
    """The parent typed must be the one the code names (a code says where it sits); the code's
    own flaws are left to the registry, which reports them next to the code."""
    try:
        asked = parse_code(parent, lenient=True)
    except CodeError as exc:
        return {"parent": exc.message}
    try:
        own = parse_code(code).parent
    except CodeError:
        return {}
    if own is None or own.text != asked.text:
        return {"parent": msg("portal-parent-mismatch", code=code, parent=asked.text)}
    return {}
