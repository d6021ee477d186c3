"""The peer endpoint: ``POST /v1/peer/packages`` (see ``_wire``), as a FastAPI app.

Transport identity is checked twice: the TLS layer requires a client certificate chaining to
the network's anchors, and this app then requires that certificate to be the TLS certificate
of a node in the configuration in use (``lienthong.net.peer_certificate``; the server context
must be prepared with ``capture_peer_certificates``), refusing anyone else with 403 before
reading the body: a certificate the network's CA issued for some other purpose is no node.
Then it reads the body within the node's
size limit, hands it to ``receive`` in a worker thread (parsing and signature checks are CPU
work) and answers the signed receipt, whatever the decision. A body over the limit is not read:
its refusal names the digest the sender declared. Requests that are no delivery at all (no
recipient, no digest for an oversize body) get a 4xx JSON problem; a store failure gets 503,
which the sender retries.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import tr
from lienthong.directory import Configuration
from lienthong.errors import LienthongError
from lienthong.net import peer_certificate
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


class _NodeCertificates:
    """SHA-256 fingerprints of the nodes' TLS certificates, per configuration (kept for the
    last one seen: a configuration is replaced, never changed)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._for: tuple[Configuration, frozenset[str]] | None = None

    def __call__(self, configuration: Configuration) -> frozenset[str]:
        with self._lock:
            if self._for is None or self._for[0] is not configuration:
                prints = frozenset(
                    hashlib.sha256(
                        x509.load_pem_x509_certificate(n.tls_certificate_pem.encode()).public_bytes(
                            Encoding.DER
                        )
                    ).hexdigest()
                    for n in configuration.content.nodes
                    if n.tls_certificate_pem
                )
                self._for = (configuration, prints)
            return self._for[1]


def create_peer_app(
    current: Callable[[], Node],
    *,
    clock: Clock = _utc_now,
    peer: Callable[[], bytes | None] = peer_certificate,
) -> FastAPI:
    """The peer endpoint of the node ``current()`` returns (read per request: the node's
    configuration may be refreshed while it serves). ``peer()`` gives the DER client
    certificate of the request's connection."""
    app = FastAPI(title="lienthong peer", docs_url=None, redoc_url=None, openapi_url=None)
    node_certificates = _NodeCertificates()

    @app.post(PACKAGES_PATH)
    async def packages(request: Request) -> Response:
        node = current()
        presented = peer()
        if presented is None or hashlib.sha256(presented).hexdigest() not in node_certificates(
            node.configuration
        ):
            return _problem(
                403,
                "peer-unknown",
                tr(
                    "chứng thư TLS của bên gọi không phải của điểm kết nối nào trong cấu hình mạng",
                    "the caller's TLS certificate is not that of any node in the network configuration",
                ),
            )
        recipient = request.headers.get(RECIPIENT_HEADER, "").strip()
        if not recipient:
            return _problem(
                400,
                "recipient-missing",
                tr(f"thiếu tiêu đề {RECIPIENT_HEADER}", f"{RECIPIENT_HEADER} is missing"),
            )
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
