"""``SecurityHeaders``: the headers every browser-facing answer carries (portal, directory,
console), added by one plain ASGI middleware so no route can forget them.

A header a route sets itself is kept (a download's own ``Content-Security-Policy``, say).
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Our pages load scripts, styles and images from their own origin only, post forms only to it,
#: and are never framed.
CSP: Final = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: A year, subdomains included: every service here is HTTPS only.
HSTS: Final = "max-age=31536000; includeSubDomains"

_ALWAYS: Final = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Strict-Transport-Security", HSTS),
)


class SecurityHeaders:
    """Adds CSP, X-Frame-Options, nosniff, Referrer-Policy and HSTS to every HTTP answer.

    A PDF gets no CSP: browsers show it in a viewer that runs inside the answer's document,
    which a policy meant for our pages can leave blank."""

    def __init__(self, app: ASGIApp, *, csp: str = CSP) -> None:
        self.app = app
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _ALWAYS:
                    headers.setdefault(name, value)
                if not headers.get("content-type", "").startswith("application/pdf"):
                    headers.setdefault("Content-Security-Policy", self.csp)
            await send(message)

        await self.app(scope, receive, sending)
