"""``create_console``: the agency console as an ASGI app, its pages under ``/console``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from lienthong._clock import Clock, utc_now
from lienthong.console._appearance_pages import BODY_BYTES as APPEARANCE_BODY
from lienthong.console._appearance_pages import appearance_router
from lienthong.console._audit_pages import audit_router
from lienthong.console._inbox_pages import inbox_router
from lienthong.console._login import login_router
from lienthong.console._operator_deliveries import delivery_router
from lienthong.console._operator_keys import keys_router
from lienthong.console._operator_messages import message_router
from lienthong.console._outbox_pages import outbox_router
from lienthong.console._pages_render import pages_router
from lienthong.console._throttle import LoginPolicy
from lienthong.console._users import UserFile
from lienthong.console._users_pages import users_router
from lienthong.console._web import PREFIX, Console
from lienthong.net import BodyGuard, BodyRule, KiB, SecurityHeaders
from lienthong.node import Node

#: Multipart framing and the compose form's fields beside its files.
_FRAMING = 64 * KiB
#: Every other form: a login, a status, a logout.
_FORM_BODY = 64 * KiB


def _body_rules(console: Console) -> list[BodyRule]:
    """Caps of the console's forms. Their session (or, to log in, the login cookie) is checked
    by the handlers before they read a form: no route declares a body FastAPI would read first."""

    def compose() -> int:
        return console.node.limits.max_package_bytes + _FRAMING

    return [
        BodyRule(rf"{PREFIX}/compose", compose),
        BodyRule(rf"{PREFIX}/settings/appearance", APPEARANCE_BODY),
        BodyRule(rf"{PREFIX}(/.*)?", _FORM_BODY),
    ]


def create_console(
    node: Node | Callable[[], Node],
    *,
    users: UserFile,
    clock: Clock = utc_now,
    login_policy: LoginPolicy | None = None,
) -> FastAPI:
    """The console of ``node`` (or of the node ``node()`` returns at each request, so a serving
    node's configuration refreshes reach it): users from ``users``, time from ``clock``, wrong
    passwords throttled by ``login_policy`` (``LoginPolicy()``'s defaults when not given).

    Mount it as is (its routes already start with ``/console``), or serve it alone.
    """
    console = Console.create(node, users, clock, login_policy or LoginPolicy())
    app = FastAPI(title="lienthong console", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(login_router(console))
    app.include_router(inbox_router(console))
    app.include_router(outbox_router(console))
    app.include_router(message_router(console))
    app.include_router(delivery_router(console))
    app.include_router(keys_router(console))
    app.include_router(users_router(console))
    app.include_router(audit_router(console))
    app.include_router(pages_router(console))
    app.include_router(appearance_router(console))
    static = StaticFiles(directory=str(resources.files("lienthong.console") / "static"))
    app.mount(f"{PREFIX}/static", static, name="console-static")

    @app.middleware("http")
    async def no_store(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Cache-Control"] = "no-store"
        return response

    # In front of the no-store middleware, so it sees the answer go out; the security headers
    # stand outermost, so the guard's own refusals carry them too.
    app.add_middleware(BodyGuard, rules=_body_rules(console))
    app.add_middleware(SecurityHeaders)
    return app
