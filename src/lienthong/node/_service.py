"""``NodeService``: a serving node, the peer endpoint over mutual TLS plus its delivery worker.

TLS contexts come from ``lienthong.net``: the server requires a client certificate chaining to
the network's anchors (read from the configuration at start); the client presents the node's
TLS certificate and trusts only those anchors.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from lienthong.net import bind, client_context, serve_forever, server_context
from lienthong.node._home import NodeHome
from lienthong.node._http import HttpTransport
from lienthong.node._peer_app import create_peer_app
from lienthong.node._runtime import NodeRuntime, RuntimeSettings
from lienthong.node._worker import DeliveryWorker


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeSettings:
    """How a node serves (read once at start)."""

    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    host: str = "127.0.0.1"
    #: 0: a free port chosen by the kernel.
    port: int = 0
    #: Delivery threads, and rows each claims at a time.
    workers: int = 4
    batch: int = 8
    #: Seconds between polls of the outbox when nothing is due.
    idle: float = 0.2
    #: Seconds a peer has to answer one delivery.
    timeout: float = 60.0
    #: Seconds open connections get to finish once asked to stop.
    grace: float = 3.0


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
            client_tls = client_context(anchors=anchors, certificate=fullchain, key=home.key_path)
        except BaseException:
            self.runtime.close()
            raise
        self.transport = HttpTransport(tls=client_tls, timeout=self.settings.timeout)
        self.app = create_peer_app(self.runtime.node)
        self.worker = DeliveryWorker(
            self.runtime.node,
            self.transport,
            threads=self.settings.workers,
            batch=self.settings.batch,
            idle=self.settings.idle,
        )

    async def serve(
        self, *, on_listening: Callable[[str], None], shutdown: asyncio.Event | None = None
    ) -> None:
        """Bind, tell ``on_listening`` the URL, deliver and serve until ``shutdown``."""
        listening = bind(self.settings.host, self.settings.port)
        on_listening(listening.url)
        self.worker.start()
        serving = asyncio.ensure_future(
            serve_forever(self.app, listening, self._server_tls, shutdown=shutdown)
        )
        try:
            if shutdown is None:
                await serving
                return
            await asyncio.wait(
                [serving, asyncio.ensure_future(shutdown.wait())], return_when="FIRST_COMPLETED"
            )
            # Hypercorn waits for idle HTTP/2 connections peers keep open: bound the goodbye.
            done, _ = await asyncio.wait([serving], timeout=self.settings.grace)
            if not done:
                serving.cancel()
                await asyncio.gather(serving, return_exceptions=True)
            elif serving.exception() is not None:
                raise serving.exception()  # type: ignore[misc]
        finally:
            await asyncio.to_thread(self.worker.stop)

    def close(self) -> None:
        self.worker.stop()
        self.transport.close()
        self.runtime.close()

    def __enter__(self) -> NodeService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
