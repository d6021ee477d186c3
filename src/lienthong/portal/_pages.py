"""The portal's pages: server-rendered with Jinja2, Vietnamese by default, ``?lang=en`` kept in
a cookie. Public: the overview and the agency table (with CSV). Administrators (logged in with
their bearer token): node health, stuck documents, regulation dates; the registry
(``_registry_pages``) and its audit log (``_audit_pages``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Message
from lienthong.codes import is_valid_code
from lienthong.directory import AuthenticationRequired, DirectoryError, Scope
from lienthong.net import BodyRule, KiB
from lienthong.portal import _words
from lienthong.portal._agency_pages import agency_router
from lienthong.portal._audit_pages import audit_router
from lienthong.portal._csv import agencies_csv
from lienthong.portal._figures import SORT_KEYS
from lienthong.portal._kit import Pages, Portal, language, parse_day
from lienthong.portal._node_pages import node_router
from lienthong.portal._session import SESSION_COOKIE
from lienthong.portal._trust_pages import trust_router

PREFIX: Final = "/portal"
#: A page's form: a token to log in with, a regulation's three fields, an agency's.
FORM_BODY: Final = 64 * KiB
#: An upload (a certificate, a CRL): the admin API's cap for files, and the form around it.
UPLOAD_BODY: Final = 4 * 1024 * KiB + FORM_BODY


def pages_body_rules(pages: Pages) -> list[BodyRule]:
    """The pages' caps (first match wins): uploads read only from a logged-in admin; other forms
    small (login's is read before any session: it has none)."""
    return [
        BodyRule(
            rf"{PREFIX}/admin/(nodes|certificates|crls|agencies/import)(/.*)?", UPLOAD_BODY, pages.logged_in
        ),
        BodyRule(rf"{PREFIX}/.*", FORM_BODY),
    ]


def pages_router(pages: Pages) -> APIRouter:
    portal: Portal = pages.portal
    render = pages.render
    refused = pages.refused
    router = APIRouter(include_in_schema=False)

    session_of = pages.session

    def _agency_filters(request: Request) -> dict[str, Any]:
        params = request.query_params
        level_text = params.get("level", "")
        sort = params.get("sort", "documents")
        return {
            "query": params.get("q", "")[:200],
            "level": int(level_text) if level_text in {"1", "2", "3", "4"} else None,
            "sort": sort if sort in SORT_KEYS else "documents",
            "descending": params.get("dir", "desc") != "asc",
        }

    @router.get("/", response_class=RedirectResponse)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=303)

    @router.get(f"{PREFIX}/", response_class=HTMLResponse)
    async def overview(request: Request) -> Response:
        data, nodes = await run_in_threadpool(lambda: (portal.figures.overview(), portal.figures.nodes()))
        series = {
            "labels": [_words.day(item.day)[:5] for item in data.days],
            "sent": [item.totals.sent for item in data.days],
            "received": [item.totals.received for item in data.days],
        }
        context = {"o": data, "series": series, "as_of": data.as_of, "nodes": nodes}
        return render(request, "overview.html", context)

    @router.get(f"{PREFIX}/agencies", response_class=HTMLResponse)
    async def agencies(request: Request) -> Response:
        filters = _agency_filters(request)
        rows = await run_in_threadpool(lambda: portal.figures.agencies(**filters))
        as_of = await run_in_threadpool(portal.figures.as_of)
        sorts = [(key, _words.SORT_WORDS[key]) for key in SORT_KEYS]
        context = {"rows": rows, "f": filters, "sorts": sorts, "as_of": as_of}
        return render(request, "agencies.html", context)

    @router.get(f"{PREFIX}/agencies.csv")
    async def agencies_export(request: Request) -> Response:
        filters = _agency_filters(request)
        rows = await run_in_threadpool(lambda: portal.figures.agencies(**filters))
        return Response(
            agencies_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="lienthong-agencies.csv"'},
        )

    # -- login ---------------------------------------------------------------------------------

    @router.get(f"{PREFIX}/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        return render(request, "login.html", {"errors": {}})

    @router.post(f"{PREFIX}/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        form = await request.form()
        token = str(form.get("token", "")).strip()
        t = _words.words(language(request))
        if not token:
            return render(request, "login.html", {"errors": {"token": t["empty_token"]}}, status=422)
        try:
            admin = portal.admins.authenticate(f"Bearer {token}")
        except AuthenticationRequired:
            return render(request, "login.html", {"errors": {"token": t["bad_token"]}}, status=422)
        identifier, _session = await run_in_threadpool(portal.sessions.open, admin)
        response = RedirectResponse(f"{PREFIX}/admin", status_code=303)
        response.set_cookie(
            SESSION_COOKIE, identifier, secure=True, httponly=True, samesite="strict", path=PREFIX
        )
        return response

    @router.post(f"{PREFIX}/logout")
    async def logout(request: Request) -> Response:
        await run_in_threadpool(portal.sessions.close, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    # -- administration ------------------------------------------------------------------------

    async def admin_page(
        request: Request, *, errors: dict[str, Message | str], values: dict[str, str], status: int
    ) -> Response:
        def load() -> dict[str, Any]:
            return {
                "nodes": portal.figures.nodes(),
                "stuck": portal.figures.stuck(),
                "regulations": portal.figures.regulations.all(),
            }

        data = await run_in_threadpool(load)
        return render(request, "admin.html", {**data, "errors": errors, "values": values}, status=status)

    @router.get(f"{PREFIX}/admin", response_class=HTMLResponse)
    async def admin(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return refused(request, 401)
        saved = {"saved": "1"} if request.query_params.get("saved") else {}
        return await admin_page(request, errors={}, values=saved, status=200)

    @router.post(f"{PREFIX}/admin/regulations", response_class=HTMLResponse)
    async def set_regulation(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return refused(request, 401)
        form = await request.form()
        if not session.check_csrf(str(form.get("csrf", ""))):
            return refused(request, 403)
        if not any(scope.includes(Scope.AGENCIES_WRITE) for scope in session.principal.scopes):
            return refused(request, 403)
        t = _words.words(language(request))
        values = {name: str(form.get(name, "")).strip() for name in ("code", "issued_on", "reference")}
        errors: dict[str, Message | str] = {}
        if not is_valid_code(values["code"]):
            errors["code"] = t["bad_code"]
        issued_on = parse_day(values["issued_on"])
        if issued_on is None:
            errors["issued_on"] = t["bad_date"]
        if not errors:
            assert issued_on is not None
            day = issued_on
            change: Callable[[], object] = lambda: portal.figures.regulations.set(  # noqa: E731
                values["code"], day, actor=session.principal.name, reference=values["reference"] or None
            )
            try:
                await run_in_threadpool(change)
            except DirectoryError as exc:
                errors["code"] = exc.message  # rendered in the page's language
            else:
                return RedirectResponse(f"{PREFIX}/admin?saved=1", status_code=303)
        return await admin_page(request, errors=errors, values=values, status=422)

    for section in (agency_router, node_router, trust_router, audit_router):
        router.include_router(section(pages))
    return router
