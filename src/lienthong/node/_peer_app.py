"""The peer endpoint: ``POST /v1/peer/packages`` (see ``_wire``), as a FastAPI app.

Transport identity is the TLS layer's business (the server context requires a client
certificate chaining to the network's anchors); this app reads the body within the node's
size limit, hands it to ``receive`` in a worker thread (parsing and signature checks are CPU
work) and answers the signed receipt, whatever the decision. A body over the limit is not read:
its refusal names the digest the sender declared. Requests that are no delivery at all (no
recipient, no digest for an oversize body) get a 4xx JSON problem; a store failure gets 503,
which the sender retries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import tr
from lienthong.errors import LienthongError
from lienthong.node._node import Node
from lienthong.node._receive import receive, refuse_unread
from lienthong.node._wire import PACKAGES_PATH, RECEIPT_TYPE, RECIPIENT_HEADER

Clock = Callable[[], datetime]
#: A body over the limit is still read (hashed, not kept) up to this many times the limit, so
#: its refusal names its real digest; beyond that the request is cut off with 413.
_DRAIN_FACTOR = 4


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _problem(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def _too_large(limit: int) -> JSONResponse:
    return _problem(413, "too-large", tr(f"gói tin vượt {limit} byte", f"the package exceeds {limit} bytes"))


def create_peer_app(current: Callable[[], Node], *, clock: Clock = _utc_now) -> FastAPI:
    """The peer endpoint of the node ``current()`` returns (read per request: the node's
    configuration may be refreshed while it serves)."""
    app = FastAPI(title="lienthong peer", docs_url=None, redoc_url=None, openapi_url=None)

    @app.post(PACKAGES_PATH)
    async def packages(request: Request) -> Response:
        recipient = request.headers.get(RECIPIENT_HEADER, "").strip()
        if not recipient:
            return _problem(
                400,
                "recipient-missing",
                tr(f"thiếu tiêu đề {RECIPIENT_HEADER}", f"{RECIPIENT_HEADER} is missing"),
            )
        node = current()
        limit = node.limits.max_package_bytes
        try:
            length = int(request.headers.get("content-length", "0"))
        except ValueError:
            length = 0
        if length > limit * _DRAIN_FACTOR:
            return _problem(
                413, "too-large", tr(f"gói tin vượt {limit} byte", f"the package exceeds {limit} bytes")
            )
        body = bytearray()
        digest = hashlib.sha256()
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit * _DRAIN_FACTOR:  # hostile: stop reading, let the connection go
                return _too_large(limit)
            digest.update(chunk)
            if size <= limit:
                body += chunk
            else:
                body.clear()
        if size > limit:
            raw = await run_in_threadpool(
                lambda: refuse_unread(
                    node, recipient=recipient, sha256=digest.hexdigest(), size=size, at=clock()
                )
            )
            return Response(raw, media_type=RECEIPT_TYPE)
        data = bytes(body)
        try:
            raw = await run_in_threadpool(lambda: receive(node, data, recipient=recipient, at=clock()))
        except LienthongError as exc:  # the store failed: nothing was decided, the sender retries
            return _problem(503, getattr(exc, "code", "unavailable"), str(exc))
        return Response(raw, media_type=RECEIPT_TYPE)

    return app
