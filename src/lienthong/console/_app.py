"""``create_console``: the agency console as an ASGI app, its pages under ``/console``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from lienthong.console._inbox_pages import inbox_router
from lienthong.console._login import login_router
from lienthong.console._outbox_pages import outbox_router
from lienthong.console._users import UserFile
from lienthong.console._web import PREFIX, Console
from lienthong.net import SecurityHeaders
from lienthong.node import Node


def _now() -> datetime:
    return datetime.now(UTC)


def create_console(
    node: Node | Callable[[], Node], *, users: UserFile, clock: Callable[[], datetime] = _now
) -> FastAPI:
    """The console of ``node`` (or of the node ``node()`` returns at each request, so a serving
    node's configuration refreshes reach it): users from ``users``, time from ``clock``.

    Mount it as is (its routes already start with ``/console``), or serve it alone.
    """
    console = Console.create(node, users, clock)
    app = FastAPI(title="lienthong console", docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(login_router(console))
    app.include_router(inbox_router(console))
    app.include_router(outbox_router(console))
    static = StaticFiles(directory=str(resources.files("lienthong.console") / "static"))
    app.mount(f"{PREFIX}/static", static, name="console-static")

    @app.middleware("http")
    async def no_store(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.add_middleware(SecurityHeaders)

    return app
