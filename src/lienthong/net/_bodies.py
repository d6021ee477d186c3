"""Request bodies refused before they are read: the caller unknown, or the body over its cap.

FastAPI reads and parses a route's declared body (a model, form fields, files) before it runs
the route's dependencies, so a bearer-token dependency comes too late to spare memory or disk.
``BodyGuard`` stands in front of an app and, for the first rule whose path pattern matches:

1. runs the rule's ``check`` (handed down by the app that owns the route: it reads headers or
   the TLS peer, never the body) and answers its refusal as a JSON problem, body unread;
2. refuses a declared Content-Length over the rule's cap with 413 at once;
3. counts the body as the app receives it, so one without Content-Length (chunked, HTTP/2)
   is cut off with 413 at the cap: nothing beyond it is ever handed on, let alone kept.

A request no rule matches passes untouched: an app mounted inside another guards its own paths.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import anyio
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lienthong._i18n import Language, msg
from lienthong.errors import LienthongError
from lienthong.net._problems import ProblemAnswer, problem, request_language

__all__ = ["BodyCheck", "BodyGuard", "BodyRule", "BodyTooLarge", "KiB", "MiB"]

KiB = 1024
MiB = 1024 * KiB

#: Who is calling, from the request's headers (and the connection's TLS peer, read by the check
#: itself): returns when the caller may send a body, raises ``LienthongError`` otherwise.
BodyCheck = Callable[[Headers], Awaitable[None]]

#: Methods whose requests carry no body a route reads: their callers are checked by the routes.
_BODILESS = frozenset({"GET", "HEAD", "OPTIONS"})
#: How much of a body left unread is taken and dropped at most: a multiple of the cap, plus.
_DRAIN_FACTOR = 4
_DRAIN_EXTRA = 16 * MiB


class BodyTooLarge(LienthongError):
    """Raised (answered 413) when a request's body exceeds the cap of its route."""

    code = "body-too-large"

    @classmethod
    def over(cls, limit: int) -> BodyTooLarge:
        return cls(msg("net-body-too-large", limit=limit))


@dataclass(frozen=True, slots=True)
class BodyRule:
    """Requests whose path matches ``path`` (a regular expression, matched whole) carry at most
    ``cap`` bytes (a callable is asked per request: a node's limits may be refreshed), from a
    caller ``check`` lets through. ``too_large`` names the refusal (the app's own error code)."""

    path: str
    cap: int | Callable[[], int]
    check: BodyCheck | None = None
    too_large: Callable[[int], LienthongError] = BodyTooLarge.over
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", re.compile(self.path))

    def limit(self) -> int:
        return self.cap() if callable(self.cap) else self.cap


def _declared(headers: Headers) -> int | None:
    text = headers.get("content-length")
    return int(text) if text is not None and text.isdigit() else None


class BodyGuard:
    """Plain ASGI middleware (``app.add_middleware(BodyGuard, rules=…, answer=…)``): the first
    matching rule decides; ``answer`` renders a check's refusal (the app's problem table), in
    the language the request asks for (``Accept-Language``), as the 413s are.

    Added with ``add_middleware``, it stands inside Starlette's outermost error middleware and
    outside the app's exception handlers, so what a cut-off route raises comes back to it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rules: Sequence[BodyRule],
        answer: ProblemAnswer | None = None,
    ) -> None:
        if answer is None and any(rule.check is not None for rule in rules):
            raise ValueError("a rule with a check needs the app's answer to its refusals")
        self.app = app
        self.rules = tuple(rules)
        self.answer = answer

    def _rule(self, path: str) -> BodyRule | None:
        return next((rule for rule in self.rules if rule.pattern.fullmatch(path)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self._rule(scope["path"]) if scope["type"] == "http" else None
        if rule is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        language = request_language(headers)
        request = _Request(scope, receive, send, rule, bodiless=_bodiless(scope, headers), language=language)
        refusal = await self._refusal(scope, headers, rule, request.limit, language)
        if refusal is not None:
            await request.answer(refusal)
        else:
            await request.serve(self.app)

    async def _refusal(
        self, scope: Scope, headers: Headers, rule: BodyRule, limit: int, language: Language
    ) -> Response | None:
        if rule.check is not None and scope["method"] not in _BODILESS:
            try:
                await rule.check(headers)
            except LienthongError as error:
                assert self.answer is not None  # see __init__
                return self.answer(error, language)
        declared = _declared(headers)
        too_large = declared is not None and declared > limit
        return _too_large(rule, limit, language) if too_large else None


def _bodiless(scope: Scope, headers: Headers) -> bool:
    """Known to carry no body: HTTP/1.1 says so by sending neither length nor chunks (HTTP/2
    may send DATA all the same)."""
    if headers.get("content-length") == "0":
        return True
    http1 = str(scope.get("http_version", "")).startswith("1")
    return http1 and "content-length" not in headers and "transfer-encoding" not in headers


def _too_large(rule: BodyRule, limit: int, language: Language) -> Response:
    error = rule.too_large(limit)
    return problem(413, error.code, error.message, language=language)


class _Request:
    """One guarded request: its body counted as the app receives it and cut off over the cap
    (the 413 goes out then, the app sees its client gone, whatever it answers after is dropped);
    what is left unread when the answer ends is drained meanwhile.

    Draining is what lets an early answer reach the client: Hypercorn hands a body on through a
    short queue, and once nobody takes from it the connection stops reading, so the server's
    goodbye after the answer (it closes an HTTP/1.1 connection whose request it did not finish
    reading) waits for ever. That goodbye, or the end of the HTTP/2 stream, ends the drain; the
    bound is for a client that keeps sending all the same."""

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        rule: BodyRule,
        *,
        bodiless: bool,
        language: Language,
    ) -> None:
        self.scope = scope
        self.receive = receive
        self.send = send
        self.rule = rule
        self.limit = rule.limit()
        self.language = language
        self.received = 0
        #: Nothing more to receive: the body ended, the client left, or there is none.
        self.ended = bodiless
        self.started = False
        self.cut = False

    async def _take(self) -> Message:
        message = await self.receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.ended = not message.get("more_body", False)
        else:
            self.ended = True  # http.disconnect
        return message

    async def _drain(self) -> None:
        bound = self.received + _DRAIN_FACTOR * self.limit + _DRAIN_EXTRA
        while not self.ended and self.received <= bound:
            await self._take()

    async def _send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        last = message["type"] == "http.response.body" and not message.get("more_body", False)
        if not last or self.ended:
            await self.send(message)
            return
        async with anyio.create_task_group() as group:
            group.start_soon(self._drain)
            try:
                await self.send(message)
            except OSError:
                # The answer is written; the server's goodbye that follows met more of the
                # upload (TLS: data after close_notify). Nothing is left to do for this request.
                group.cancel_scope.cancel()

    async def _metered_receive(self) -> Message:
        if self.cut:
            return {"type": "http.disconnect"}
        message = await self._take()
        if self.received > self.limit:
            self.cut = True
            if not self.started:
                await self.answer(_too_large(self.rule, self.limit, self.language))
            return {"type": "http.disconnect"}
        return message

    async def _guarded_send(self, message: Message) -> None:
        if not self.cut:
            await self._send(message)

    async def answer(self, response: Response) -> None:
        await response(self.scope, self.receive, self._send)

    async def serve(self, app: ASGIApp) -> None:
        try:
            await app(self.scope, self._metered_receive, self._guarded_send)
        except Exception:
            # What the app raised on finding its client gone is no failure: the 413 was answered.
            if not self.cut:
                raise
