"""``NodeService``: a serving node, the peer endpoint over mutual TLS plus its delivery worker,
its statistics reporter and its webhook dispatcher (the background loops this package owns).

TLS contexts come from ``lienthong.net``: the server requires a client certificate chaining to
the network's anchors (read from the configuration at start); the client presents the node's
TLS certificate and trusts only those anchors.

The API for document-management software (``lienthong.api``) is served on a second listener,
TLS with the node's certificate but no client certificate asked for: its clients authenticate
with bearer tokens or VXP HMAC headers. The agency console (``lienthong.console``) is mounted
on the same listener.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from lienthong import __version__
from lienthong.api import ApiSettings, create_app, install_health, stop_streams
from lienthong.console import LoginPolicy, UserFile, create_console
from lienthong.net import bind, capture_peer_certificates, client_context, serve_forever, server_context
from lienthong.node import (
    HttpTransport,
    NodeHome,
    NodeRuntime,
    RuntimeSettings,
    certificates_of,
    create_peer_app,
)
from lienthong.server._delivery import DeliveryWorker
from lienthong.server._readiness import NodeReadiness
from lienthong.server._statistics import StatisticsReporter
from lienthong.server._tls_reload import TlsReloader
from lienthong.server._webhooks import WebhookDispatcher
from lienthong.statistics import ServiceMetrics

_log = logging.getLogger("lienthong.node")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeSettings:
    """How a node serves (read once at start)."""

    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    host: str = "127.0.0.1"
    #: 0: a free port chosen by the kernel.
    port: int = 0
    #: Delivery threads, and rows each claims at a time.
    workers: int = 4
    batch: int = 64
    #: Small packages for one peer carried by one request (its batch route); 1: one by one.
    per_request: int = 32
    #: Seconds between polls of the outbox when nothing is due.
    idle: float = 0.2
    #: Seconds a peer has to answer one delivery.
    timeout: float = 60.0
    #: Seconds open connections get to finish once asked to stop.
    grace: float = 3.0
    #: The API listener (``lienthong.api``); None: no API. 0: a free port.
    api_port: int | None = 0
    #: Seconds between statistics reports to the directory; 0: none.
    statistics_interval: float = 300.0
    #: Webhooks may reach loopback and private addresses (a QLVB server inside the agency's network).
    allow_private_webhooks: bool = False
    #: /docs (and /redoc, /openapi.json), /metrics open without a token on the API listener.
    public_docs: bool = False
    public_metrics: bool = False
    #: A bearer token that reads /metrics only (a scraper's).
    metrics_token: str | None = None
    #: Seconds between looks at the TLS certificate and key files (reloaded when changed); 0: on
    #: SIGHUP only.
    tls_poll: float = 5.0


class NodeService:
    """A node ready to serve. Close it when done."""

    def __init__(self, home: NodeHome, settings: ServeSettings | None = None) -> None:
        self.settings = settings or ServeSettings()
        self.runtime = NodeRuntime(home, dataclasses.replace(self.settings.runtime, refresh=True))
        try:
            fullchain, anchors = self.runtime.fullchain(), self.runtime.anchors_file()
            self._server_tls = server_context(
                certificate=fullchain, key=home.key_path, client_anchors=anchors
            )
            capture_peer_certificates(self._server_tls)  # the peer app checks it is a node's
            client_tls = client_context(anchors=anchors, certificate=fullchain, key=home.key_path)
        except BaseException:
            self.runtime.close()
            raise
        self.transport = HttpTransport(tls=client_tls, timeout=self.settings.timeout)
        self.app = create_peer_app(self.runtime.node)
        # GET /metrics on the API listener. Not on the peer app: its middleware would stand between
        # a hostile oversized body and the early 413 the peer endpoint answers it with.
        self.metrics = ServiceMetrics("node")
        self.metrics.watch_certificates(lambda: certificates_of(home, self.runtime.source.configuration))
        #: GET /healthz and /readyz on the API listener (balancers).
        self.readiness = NodeReadiness(self.runtime)
        self.api_app: FastAPI | None = None
        self.webhooks: WebhookDispatcher | None = None
        if self.settings.api_port is not None:
            self.api_app = create_app(
                self.runtime.node,
                settings=ApiSettings(
                    allow_private_webhooks=self.settings.allow_private_webhooks,
                    public_docs=self.settings.public_docs,
                    public_metrics=self.settings.public_metrics,
                    metrics_token=self.settings.metrics_token,
                ),
            )
            self.metrics.install(self.api_app)  # before the console's mount at "/", which takes the rest
            install_health(self.api_app, self.readiness.readiness())
            # The agency console shares the API's listener; its routes all start with /console.
            console = create_console(
                self.runtime.node,
                users=UserFile.in_home(home.home),
                login_policy=LoginPolicy.from_settings(home.console_login),
            )
            self.api_app.mount("/", console)
            self._api_tls = server_context(certificate=fullchain, key=home.key_path, client_anchors=None)
            # Webhooks are called over TLS trusting the network's anchors, as a peer would be, but
            # presenting no certificate: the node's peer certificate is for nodes only.
            self.webhooks = WebhookDispatcher(
                self.runtime.node,
                verify=client_context(anchors=anchors),
                allow_private=self.settings.allow_private_webhooks,
            )
        live = [self._server_tls, client_tls, *([self._api_tls] if self.api_app is not None else [])]
        if self.runtime.directory_tls is not None:  # configuration fetches and statistics reports
            live.append(self.runtime.directory_tls)
        self.tls = TlsReloader(
            certificate=home.certificate_path,
            key=home.key_path,
            chain=home.chain_paths,
            fullchain=fullchain,
            contexts=live,
            # Deliveries keep their connections open: new ones present the new certificate, which
            # matters once the directory publishes it alone.
            # A node sealing with its TLS key seals with the new one from then on.
            renewed=[self.transport.renew, self.runtime.reseal],
        )
        self.worker = DeliveryWorker(
            self.runtime.node,
            self.transport,
            threads=self.settings.workers,
            batch=self.settings.batch,
            idle=self.settings.idle,
            per_request=self.settings.per_request,
        )
        self.reporter = StatisticsReporter.for_runtime(
            self.runtime, fullchain=fullchain, interval=self.settings.statistics_interval
        )

    async def serve(
        self,
        *,
        on_listening: Callable[[str], None],
        shutdown: asyncio.Event | None = None,
        on_api: Callable[[str], None] | None = None,
    ) -> None:
        """Bind, tell ``on_listening`` the URL (and ``on_api`` the API's), deliver and serve
        until ``shutdown``."""
        listening = bind(self.settings.host, self.settings.port)
        api = None
        if self.api_app is not None and self.settings.api_port is not None:
            api = bind(self.settings.host, self.settings.api_port)
        on_listening(listening.url)
        if api is not None and on_api is not None:
            on_api(api.url)
        node = self.runtime.node()
        agencies = sorted(
            code
            for entry in node.configuration.content.nodes
            if entry.name == node.name
            for code in entry.subtrees
        )
        _log.info(
            "lienthong %s node %s serving: peer %s, api %s, agencies %s, database %s",
            __version__, node.name, listening.url, api.url if api is not None else "-",
            ",".join(agencies) or "-", node.database.dialect,
        )  # fmt: skip
        self.worker.start()
        if self.reporter is not None:
            self.reporter.start()
        if self.webhooks is not None:
            self.webhooks.start()
        # The servers stop on their own signal, set after the API's event streams have ended:
        # an HTTP/2 stream still open when the server says goodbye ends in an error for its client.
        stopping = asyncio.Event() if shutdown is not None else None
        peer = asyncio.ensure_future(serve_forever(self.app, listening, self._server_tls, shutdown=stopping))
        self.readiness.peer_serving = lambda: not peer.done() and listening.sock.fileno() != -1
        servers: list[Any] = [peer]
        if api is not None and self.api_app is not None:
            servers.append(serve_forever(self.api_app, api, self._api_tls, shutdown=stopping))
        serving: asyncio.Future[Any] = asyncio.ensure_future(asyncio.gather(*servers))
        watched = asyncio.Event()
        watching = asyncio.ensure_future(self.tls.watch(self.settings.tls_poll, watched))
        try:
            if shutdown is None:
                await serving
                return
            await asyncio.wait(
                [serving, asyncio.ensure_future(shutdown.wait())], return_when="FIRST_COMPLETED"
            )
            self.readiness.stopping = True  # /readyz says so while the streams end
            if self.api_app is not None:
                await stop_streams(self.api_app)
            assert stopping is not None
            stopping.set()
            # Hypercorn waits for idle HTTP/2 connections peers keep open: bound the goodbye.
            done, _ = await asyncio.wait([serving], timeout=self.settings.grace)
            if not done:
                serving.cancel()
                await asyncio.gather(serving, return_exceptions=True)
            elif serving.exception() is not None:
                raise serving.exception()  # type: ignore[misc]
        finally:
            watched.set()
            await watching
            await asyncio.to_thread(self.worker.stop)
            if self.reporter is not None:  # after the worker: its last deliveries are counted
                await asyncio.to_thread(self.reporter.stop)
            if self.webhooks is not None:
                await asyncio.to_thread(self.webhooks.stop)

    def close(self) -> None:
        self.worker.stop()
        if self.reporter is not None:
            self.reporter.stop()
        if self.webhooks is not None:
            self.webhooks.close()
        self.transport.close()
        self.runtime.close()

    def __enter__(self) -> NodeService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
