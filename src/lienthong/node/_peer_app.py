"""The peer endpoint: ``POST /v1/peer/packages`` and ``/v1/peer/batches`` (``_wire``), FastAPI.

Transport identity is checked twice: the TLS layer requires a client certificate chaining to
the network's anchors, and this app then requires that certificate to be the TLS certificate
of a node in the configuration in use (``lienthong.net.peer_certificate``; the server context
must be prepared with ``capture_peer_certificates``), refusing anyone else with 403 before
reading the body: a certificate the network's CA issued for some other purpose is no node.
Then it reads the body within the node's
size limit (in memory up to ``Limits.in_memory_bytes``, above that spooled to a file beside the
blob store, which accepting it renames into the store), hands it to ``receive`` in a worker
thread (parsing and signature checks are CPU work) and answers the signed receipt, whatever
the decision. A body over the limit is not kept (hashed only, up to a bound): its refusal
names its digest. Requests that are no delivery at all (no recipient, a body beyond the bound)
get a 4xx JSON problem; a store failure gets 503, which the sender retries.
A batch (several small packages of one peer) is read whole within ``MAX_BATCH_BYTES``,
handed to ``receive_many`` (each package checked and receipted on its own, all stored in one
transaction) and answered with the receipts in order.
``POST /v1/peer/resync`` answers a node restored from a backup (``_resync_answer``): the caller
is the node its TLS certificate names, known before its small, bounded body is read.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._clock import Clock, utc_now
from lienthong._i18n import Message, msg, negotiate, render
from lienthong.directory import Configuration
from lienthong.errors import LienthongError
from lienthong.net import peer_certificate
from lienthong.node._node import Node
from lienthong.node._package import Spool
from lienthong.node._receive import receive, receive_many, refuse_unread
from lienthong.node._resync_answer import answer_resync
from lienthong.node._resync_wire import MAX_REQUEST_BYTES, RESYNC_PATH, RESYNC_TYPE, ResyncRequest
from lienthong.node._trace import TRACE_HEADER, hop_note
from lienthong.node._wire import (
    BATCH_PATH,
    MAX_BATCH_BYTES,
    PACKAGES_PATH,
    RECEIPT_TYPE,
    RECEIPTS_TYPE,
    RECIPIENT_HEADER,
    WireMalformed,
    decode_frames,
    encode_receipts,
)

#: A body over the limit is still read (hashed, not kept) up to this many times the limit, so
#: its refusal names its real digest; beyond that the request is cut off with 413.
_DRAIN_FACTOR = 4
#: ... but never more than this many bytes beyond a large limit.
_DRAIN_EXTRA = 64 << 20


def _drain_limit(limit: int) -> int:
    return limit + min(limit * (_DRAIN_FACTOR - 1), _DRAIN_EXTRA)


def _problem(request: Request, status: int, code: str, message: Message | str) -> JSONResponse:
    """A problem body, its message in the language the caller's ``Accept-Language`` prefers."""
    text = render(message, negotiate(request.headers.get("accept-language")))
    return JSONResponse({"code": code, "message": text}, status_code=status)


def _too_large(request: Request, limit: int) -> JSONResponse:
    return _problem(request, 413, "too-large", msg("node-peer-package-too-large", limit=limit))


class _NodeCertificates:
    """SHA-256 fingerprint of each node's TLS certificates → the node's name, per configuration
    (kept for the last one seen: a configuration is replaced, never changed)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._for: tuple[Configuration, dict[str, str]] | None = None

    def __call__(self, configuration: Configuration) -> dict[str, str]:
        with self._lock:
            if self._for is None or self._for[0] is not configuration:
                # Both of a node's certificates during a rollover (current and next).
                names = {
                    hashlib.sha256(
                        x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
                    ).hexdigest(): n.name
                    for n in configuration.content.nodes
                    for pem in n.tls_pems
                }
                self._for = (configuration, names)
            return self._for[1]


def create_peer_app(
    current: Callable[[], Node],
    *,
    clock: Clock = utc_now,
    peer: Callable[[], bytes | None] = peer_certificate,
) -> FastAPI:
    """The peer endpoint of the node ``current()`` returns (read per request: the node's
    configuration may be refreshed while it serves). ``peer()`` gives the DER client
    certificate of the request's connection."""
    app = FastAPI(title="lienthong peer", docs_url=None, redoc_url=None, openapi_url=None)
    node_certificates = _NodeCertificates()

    def peer_node(request: Request, node: Node) -> str | JSONResponse:
        """The name of the node whose TLS certificate the connection presented; 403 unless the
        certificate is a configured node's."""
        presented = peer()
        if presented is not None:
            name = node_certificates(node.configuration).get(hashlib.sha256(presented).hexdigest())
            if name is not None:
                return name
        return _problem(request, 403, "peer-unknown", msg("node-peer-unknown"))

    @app.post(PACKAGES_PATH)
    async def packages(request: Request) -> Response:
        node = current()
        origin = peer_node(request, node)
        if isinstance(origin, JSONResponse):
            return origin
        recipient = request.headers.get(RECIPIENT_HEADER, "").strip()
        if not recipient:
            return _problem(
                request, 400, "recipient-missing", msg("node-peer-header-missing", header=RECIPIENT_HEADER)
            )
        limit = node.limits.max_package_bytes
        try:
            length = int(request.headers.get("content-length", "0"))
        except ValueError:
            length = 0
        drain = _drain_limit(limit)
        if length > drain:
            return _too_large(request, limit)
        # Small bodies stay in memory; larger ones go to a file beside the blob store as they
        # arrive (64 KiB writes to the page cache: not worth a thread hop each).
        spool = Spool(node.blobs.temporary, threshold=node.limits.in_memory_bytes)
        try:
            async for chunk in request.stream():
                spool.write(chunk)
                if spool.size > drain:  # hostile: stop reading, let the connection go
                    return _too_large(request, limit)
                if spool.size > limit:
                    spool.drop()
            if spool.size > limit:
                size, sha256 = spool.size, spool.sha256
                raw = await run_in_threadpool(
                    lambda: refuse_unread(node, recipient=recipient, sha256=sha256, size=size, at=clock())
                )
                return Response(raw, media_type=RECEIPT_TYPE)
            source = spool.finish()
        finally:
            spool.abort()  # nothing left to remove once finished
        try:
            hop = hop_note(node, request.headers.get(TRACE_HEADER), peer())
            raw = await run_in_threadpool(
                lambda: receive(node, source, recipient=recipient, peer=origin, at=clock(), hop=hop)
            )
        except LienthongError as exc:  # the store failed: nothing was decided, the sender retries
            return _problem(request, 503, getattr(exc, "code", "unavailable"), exc.message)
        finally:
            source.discard()
        return Response(raw, media_type=RECEIPT_TYPE)

    @app.post(BATCH_PATH)
    async def batches(request: Request) -> Response:
        """Several small packages (``_wire``): each checked and answered on its own, all stored
        in one transaction; the body is bounded, a package over the node's limit is refused."""
        node = current()
        origin = peer_node(request, node)
        if isinstance(origin, JSONResponse):
            return origin
        try:
            length = int(request.headers.get("content-length", "0"))
        except ValueError:
            length = 0
        too_large = _problem(
            request, 413, "too-large", msg("node-peer-batch-too-large", limit=MAX_BATCH_BYTES)
        )
        if length > MAX_BATCH_BYTES:
            return too_large
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BATCH_BYTES:  # hostile: stop reading, let the connection go
                return too_large
        try:
            deliveries = decode_frames(bytes(body))
        except WireMalformed as exc:
            return _problem(request, 400, "batch-malformed", exc.message)
        if not deliveries:
            return _problem(request, 400, "batch-empty", msg("node-peer-batch-empty"))
        try:
            hop = hop_note(node, request.headers.get(TRACE_HEADER), peer())
            receipts = await run_in_threadpool(
                lambda: receive_many(node, deliveries, peer=origin, at=clock(), hop=hop)
            )
        except LienthongError as exc:  # the store failed: nothing was decided, the sender retries
            return _problem(request, 503, getattr(exc, "code", "unavailable"), exc.message)
        return Response(encode_receipts(receipts), media_type=RECEIPTS_TYPE)

    @app.post(RESYNC_PATH)
    async def resync(request: Request) -> Response:
        """A restored peer asks for what it lost (``_resync_wire``): deliveries to its codes are
        queued again, and what this node holds from its codes is listed, a page at a time."""
        node = current()
        origin = peer_node(request, node)
        if isinstance(origin, JSONResponse):
            return origin
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_REQUEST_BYTES:
                return _problem(
                    request, 413, "too-large", msg("node-peer-resync-too-large", limit=MAX_REQUEST_BYTES)
                )
        try:
            asked = ResyncRequest.decode(bytes(body))
        except (ValueError, KeyError, TypeError) as exc:
            return _problem(
                request, 400, "resync-malformed", msg("node-peer-resync-malformed", reason=str(exc))
            )
        try:
            answer = await run_in_threadpool(lambda: answer_resync(node, asked, peer=origin, at=clock()))
        except LienthongError as exc:  # the store failed: the restored node asks again
            return _problem(request, 503, getattr(exc, "code", "unavailable"), exc.message)
        return Response(answer.encode(), media_type=RESYNC_TYPE)

    return app
