"""Log in and out. A bad login answers the same form with the message next to the field.

Wrong passwords are throttled (``_throttle``): a locked user name or client address gets the
form back with HTTP 429, ``Retry-After`` and the minutes to wait, and its password is not
looked at, so even the right one is refused until the lockout ends. A disabled user is told so
only after giving their right password (a guesser learns nothing), and the attempt counts as a
failure: it opens no session.
"""

from __future__ import annotations

import math
import secrets
import unicodedata
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Message, msg
from lienthong.console import _words
from lienthong.console._session import LOGIN_COOKIE, SESSION_COOKIE, same_token
from lienthong.console._web import PREFIX, Console, language


def _next(target: str | None) -> str:
    """Only a path inside the console: never an open redirect."""
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//") and "\\" not in target:
        return target
    return f"{PREFIX}/inbox"


def login_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def form(
        request: Request, errors: dict[str, Message | str], user: str = "", *, status: int = 200
    ) -> Response:
        token = secrets.token_urlsafe(24)
        target = _next(request.query_params.get("next"))
        node = console.node
        # Who one logs in to: the node and the agencies it serves (the configuration's subtrees).
        served = next((n.subtrees for n in node.configuration.content.nodes if n.name == node.name), ())
        context = {
            "errors": errors,
            "login_token": token,
            "next": target,
            "name": user,
            "node_name": node.name,
            "served": served,
        }
        response = console.render(request, "login.html", context, status=status)
        response.set_cookie(LOGIN_COOKIE, token, secure=True, httponly=True, samesite="strict", path=PREFIX)
        return response

    def locked_out(request: Request, user: str, until: datetime) -> Response:
        seconds = max(1, math.ceil((until - console.clock()).total_seconds()))
        message = msg("console-locked-out", minutes=math.ceil(seconds / 60))
        response = form(request, {"password": message}, user, status=429)
        response.headers["Retry-After"] = str(seconds)
        return response

    @router.get(f"{PREFIX}/login", response_class=HTMLResponse)
    async def login_form(request: Request) -> Response:
        return form(request, {})

    @router.post(f"{PREFIX}/login", response_class=HTMLResponse)
    async def login(request: Request) -> Response:
        posted = await request.form()
        t = _words.words(language(request))
        name = str(posted.get("user", "")).strip()[:64]
        password = str(posted.get("password", ""))[:512]
        if not same_token(request.cookies.get(LOGIN_COOKIE), str(posted.get("csrf", ""))):
            return form(request, {"user": t["stale_form"]}, name, status=422)
        if not name:
            return form(request, {"user": t["empty_user"]}, status=422)
        name = unicodedata.normalize("NFC", name)
        address = request.client.host if request.client else "unknown"
        locked = await run_in_threadpool(console.throttle.refused_until, name, address)
        if locked is not None:
            return locked_out(request, name, locked)
        user = await run_in_threadpool(console.users.authenticate, name, password)
        if user is None:
            locked = await run_in_threadpool(console.throttle.failed, name, address)
            if locked is not None:
                return locked_out(request, name, locked)
            return form(request, {"password": t["bad_login"]}, name, status=422)
        if user.disabled:
            await run_in_threadpool(console.throttle.failed, name, address)
            return form(request, {"user": t["user_disabled"]}, name, status=403)
        await run_in_threadpool(console.throttle.succeeded, name, address)
        identifier, _session = await run_in_threadpool(console.sessions.open, user)
        response = RedirectResponse(_next(str(posted.get("next", ""))), status_code=303)
        response.set_cookie(
            SESSION_COOKIE, identifier, secure=True, httponly=True, samesite="strict", path=PREFIX
        )
        response.delete_cookie(LOGIN_COOKIE, path=PREFIX)
        return response

    @router.post(f"{PREFIX}/logout")
    async def logout(request: Request) -> Response:
        session = console.session(request)
        posted = await request.form()
        if session is not None and not session.check_csrf(str(posted.get("csrf", ""))):
            return console.refused(request, 403, "stale_form")
        await run_in_threadpool(console.sessions.close, request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"{PREFIX}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    @router.get(PREFIX, response_class=RedirectResponse)
    @router.get(f"{PREFIX}/", response_class=RedirectResponse)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/inbox", status_code=303)

    return router
