"""What every portal page shares: the templates, rendering in the request's language, the admin's
session, and the guards a page passes before it acts (logged in, scope held, CSRF token).

Forms never answer with an error page: a bad field comes back as the same page with the
message next to the field (HTTP 422), so a keyboard or screen-reader user stays where they were.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.requests import cookie_parser

from lienthong._i18n import Message, msg, render
from lienthong.directory import AdminFile, AuthenticationRequired, DirectoryRegistry, Scope
from lienthong.errors import LienthongError
from lienthong.portal import _words
from lienthong.portal._figures import Figures
from lienthong.portal._session import SESSION_COOKIE, Session, Sessions

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

#: A page's refusals, by the field they are shown next to.
Errors = dict[str, Message | str]


@dataclass(frozen=True, slots=True)
class Portal:
    figures: Figures
    admins: AdminFile
    sessions: Sessions


@pass_context
def _in_page_language(context: Context, value: object) -> object:
    """Every ``{{ … }}`` passes here: a message (a refusal next to a field) reads in the page's
    language, never in the process's."""
    return render(value, context.get("lang", "vi")) if isinstance(value, Message) else value


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=PackageLoader("lienthong.portal", "templates"),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_in_page_language,
    )
    env.filters["day"] = _words.day
    env.filters["moment"] = _words.moment
    env.globals["expiry_warn_days"] = _words.EXPIRY_WARN_DAYS
    return Jinja2Templates(env=env)


def language(request: Request) -> _words.Lang:
    asked = request.query_params.get("lang") or request.cookies.get(_words.LANG_COOKIE) or "vi"
    return "en" if asked == "en" else "vi"


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a day; None for anything else (the field then says so)."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


async def upload(form: FormData, name: str) -> bytes:
    """A file field's bytes, or what was pasted into a text field of that name."""
    value = form.get(name)
    if isinstance(value, UploadFile):
        return await value.read()
    return (value or "").strip().encode("utf-8")


def agency_names(registry: DirectoryRegistry) -> dict[str, str]:
    """Each code's name (its latest period's), to show beside a bare code."""
    return {entry.code: entry.name or "" for entry in registry.snapshot().agencies}


def field_of(error: LienthongError, fields: Mapping[str, str], default: str) -> Errors:
    """``error``'s message placed next to the field its code names in ``fields`` (message code →
    field), else next to ``default``: the registry's refusal, as the API would have answered it."""
    message = error.message
    code = message.code if isinstance(message, Message) else ""
    return {fields.get(code, default): message}


class Pages:
    """The templates and guards, built once for the portal's routers."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.templates = _templates()

    def session(self, request: Request) -> Session | None:
        return self.portal.sessions.get(request.cookies.get(SESSION_COOKIE))

    def render(self, request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> Response:
        lang = language(request)
        session = self.session(request)

        def may(scope: str) -> bool:
            """Whether the admin holds ``scope``: a form they could not use is not shown."""
            held = () if session is None else session.principal.scopes
            return any(mine.includes(Scope(scope)) for mine in held)

        base = {
            "lang": lang,
            "t": _words.words(lang),
            "number": lambda value: _words.number(value, lang),
            "percent": lambda share: _words.percent(share, lang),
            "duration": lambda seconds: _words.duration(seconds, lang),
            "days_left": self.portal.figures.days_left,
            "days_text": lambda days: _words.days_text(days, lang),
            "session": session,
            "may": may,
            "path": request.url.path,
            "other_lang": "en" if lang == "vi" else "vi",
        }
        response = self.templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
        if request.query_params.get("lang") in {"vi", "en"}:
            response.set_cookie(
                _words.LANG_COOKIE, lang, max_age=365 * 86400, secure=True, httponly=True, samesite="lax"
            )
        return response

    def refused(self, request: Request, status: int) -> Response:
        key = "login_required" if status == 401 else "forbidden"
        return self.render(request, "refused.html", {"message_key": key}, status=status)

    def admin(self, request: Request, scope: Scope | None) -> Session | Response:
        """The logged-in admin holding ``scope`` (any admin: None); otherwise the 401 or 403 page."""
        session = self.session(request)
        if session is None:
            return self.refused(request, 401)
        if scope is not None and not any(held.includes(scope) for held in session.principal.scopes):
            return self.refused(request, 403)
        return session

    async def form(self, request: Request, scope: Scope) -> tuple[Session, FormData] | Response:
        """A change's form, read only once the admin and ``scope`` are known, its CSRF token checked
        before anything is done; otherwise the page to answer."""
        session = self.admin(request, scope)
        if isinstance(session, Response):
            return session
        form = await request.form()
        if not session.check_csrf(str(form.get("csrf", ""))):
            return self.refused(request, 403)
        return session, form

    async def logged_in(self, headers: Headers) -> None:
        """A body check (``lienthong.net.BodyRule``): an upload is read only from a known session."""
        cookies = cookie_parser(headers.get("cookie", ""))
        if self.portal.sessions.get(cookies.get(SESSION_COOKIE)) is None:
            raise AuthenticationRequired(msg("portal-login-required"))
