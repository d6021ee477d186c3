"""``OperatorPages``: the API listener's pages for people and tools rather than for QLVB software
(``/docs``, ``/redoc``, ``/openapi.json``, ``/metrics``) are answered only to a request with a
valid bearer token, unless the operator made them public.

- The documentation: a REST client's token (``node clients add``); public with
  ``node serve --public-docs`` (Swagger UI in a browser fetches ``/openapi.json`` without a token,
  so a person reading it in a browser needs that flag).
- The metrics: a REST client's token, or the scraper's own (``node serve --metrics-token-file``,
  Prometheus's ``authorization`` setting), which reads nothing else; public with ``--public-metrics``.

The console's session does not reach these pages: its cookie is limited to ``/console``.
The documentation's pages load nothing from elsewhere (``DOCS_POLICY``): ReDoc's bundle shows a
logo from its publisher's CDN, which a closed network would wait for.
"""

from __future__ import annotations

import hmac
from typing import Final

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lienthong._i18n import Language, msg
from lienthong.api._auth import _client
from lienthong.api._context import ApiContext
from lienthong.api._problems import answer as answer_error
from lienthong.errors import LienthongError
from lienthong.net import problem, request_language
from lienthong.store import ClientKind

#: The documentation's paths (FastAPI's, and ``fastapi_offline``'s ReDoc).
DOCS_PATHS: Final = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
METRICS_PATH: Final = "/metrics"
#: The pages a browser renders (Swagger UI's and ReDoc's inline start-up scripts and styles).
DOCS_PAGES: Final = frozenset({"/docs", "/redoc"})
DOCS_POLICY: Final = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def _language(scope: Scope) -> Language:
    return request_language(Headers(scope=scope))


def _bearer(scope: Scope) -> str | None:
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


class OperatorPages:
    """Plain ASGI middleware guarding ``DOCS_PATHS`` and ``METRICS_PATH`` (see the module)."""

    def __init__(self, app: ASGIApp, *, ctx: ApiContext) -> None:
        self.app = app
        self.ctx = ctx

    def _public(self, path: str) -> bool | None:
        """Whether ``path`` is open to anyone; None when it is not one of these pages."""
        if path in DOCS_PATHS:
            return self.ctx.settings.public_docs
        if path == METRICS_PATH:
            return self.ctx.settings.public_metrics
        return None

    async def _allowed(self, path: str, token: str | None) -> bool:
        if token is None:
            return False
        wanted = self.ctx.settings.metrics_token
        if path == METRICS_PATH and wanted and hmac.compare_digest(token.encode(), wanted.encode()):
            return True
        client = await _client(self.ctx, token)
        return client is not None and client.kind is ClientKind.REST

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        public = self._public(scope["path"]) if scope["type"] == "http" else None
        try:
            allowed = public is not False or await self._allowed(scope["path"], _bearer(scope))
        except LienthongError as error:  # the database away, say: answered as every route's are
            await answer_error(error, _language(scope))(scope, receive, send)
            return
        if not allowed:
            answer = problem(
                401,
                "authentication-required",
                msg("api-operator-page-token-required"),
                language=_language(scope),
                headers={"WWW-Authenticate": 'Bearer realm="lienthong-node"'},
            )
            await answer(scope, receive, send)
            return
        if public is not None and scope["path"] in DOCS_PAGES:
            send = _with_policy(send)
        await self.app(scope, receive, send)


def _with_policy(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []), (b"content-security-policy", DOCS_POLICY.encode())]
            message = {**message, "headers": headers}
        await send(message)

    return sending
