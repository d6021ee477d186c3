"""Prometheus metrics for any lienthong service: one registry per app, HTTP request metrics, and
the ``/metrics`` route. The directory uses it now; a node mounts the same in one call.

>>> metrics = ServiceMetrics("directory")        # doctest: +SKIP
>>> metrics.install(app)                          # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import time
from typing import Final

from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lienthong.statistics._expiry import CertificateExpiry, CertificateSource
from lienthong.statistics._node_gauges import NodeCollector, NodeGaugeSource

METRICS_PATH: Final = "/metrics"
#: The status a request is counted with when its client went away before it was answered.
CLIENT_CLOSED: Final = 499


def _route_of(scope: Scope) -> str:
    """The route's template (``/v1/admin/nodes/{name}``), never the raw path: bounded labels."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else "unmatched"


class ServiceMetrics:
    """The metrics of one service. Each instance has its own registry (tests run several)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "lienthong_http_requests",
            "HTTP requests answered, by route template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "lienthong_http_request_duration_seconds",
            "Time to answer HTTP requests.",
            ["service", "method", "route"],
            registry=self.registry,
        )

    def counter(self, name: str, documentation: str, labels: tuple[str, ...] = ()) -> Counter:
        """A new counter in this service's registry (``lienthong_`` prefixed)."""
        return Counter(f"lienthong_{name}", documentation, list(labels), registry=self.registry)

    def watch_certificates(self, source: CertificateSource) -> None:
        """Serve ``lienthong_certificate_expiry_seconds`` for what ``source`` returns at each scrape."""
        self.registry.register(CertificateExpiry(self.service, source))

    def watch_node(self, source: NodeGaugeSource) -> None:
        """Serve the node's outbox and configuration gauges (``NodeGauges``) read from ``source``
        at each scrape."""
        self.registry.register(NodeCollector(self.service, source))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def install(self, app: FastAPI) -> None:
        """Count every request of ``app`` and serve ``GET /metrics`` on it."""

        async def metrics(_request: Request) -> Response:
            return Response(self.exposition(), media_type=CONTENT_TYPE_LATEST)

        app.add_middleware(_Measure, metrics=self)
        app.add_route(METRICS_PATH, metrics, methods=["GET"], include_in_schema=False)

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        route = _route_of(scope)
        self.requests.labels(self.service, scope["method"], route, str(status)).inc()
        self.latency.labels(self.service, scope["method"], route).observe(time.perf_counter() - started)


class _Measure:
    """Plain ASGI middleware (no task nor stream per request, as ``BaseHTTPMiddleware`` has):
    a request is counted when its answer starts (an event stream's too); one that never got an
    answer counts as 499 when its client went away first (nginx's "client closed request": the
    route saw the disconnect, or was cancelled), 500 otherwise (it failed)."""

    def __init__(self, app: ASGIApp, *, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        counted = False
        gone = False

        async def receiving() -> Message:
            nonlocal gone
            message = await receive()
            gone = gone or message["type"] == "http.disconnect"
            return message

        async def sending(message: Message) -> None:
            nonlocal counted
            if message["type"] == "http.response.start" and not counted:
                counted = True
                self.metrics._observe(scope, int(message["status"]), started)
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except asyncio.CancelledError:
            gone = True
            raise
        finally:
            if not counted:
                self.metrics._observe(scope, CLIENT_CLOSED if gone else 500, started)
