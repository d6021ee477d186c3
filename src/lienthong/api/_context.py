"""``ApiContext``: what the API's routes need, read once when the app is built."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from lienthong._clock import Clock, utc_now
from lienthong.api._tokens import TokenCache
from lienthong.node import Node
from lienthong.vxp import MemoryReplayGuard, ReplayGuard

#: Seconds a bearer token's client is held (``TokenCache``): a client removed by another process
#: (the CLI) is refused at most this long after.
TOKEN_TTL = 5.0


@dataclass(frozen=True)
class ApiSettings:
    """Settings of the API, fixed at startup."""

    #: Largest upload accepted (an edXML package, or the sum of multipart files); None: the
    #: node's package limit.
    max_upload_bytes: int | None = None
    #: Largest page of a listing.
    max_page: int = 500
    #: Seconds between reads of the log by an event stream, and between its keep-alive comments.
    events_poll: float = 0.5
    events_heartbeat: float = 15.0
    #: Seconds an idle event stream takes at most to notice the server is stopping.
    events_wake: float = 0.1
    #: Seconds a bearer token's client is held in memory (0: looked up on every request).
    token_ttl: float = TOKEN_TTL
    #: Webhooks may point to loopback and private addresses (``node serve --allow-private-webhooks``).
    allow_private_webhooks: bool = False
    #: /docs, /redoc, /openapi.json and /metrics open without a token (``_operator_pages``).
    public_docs: bool = False
    public_metrics: bool = False
    #: A bearer token that reads /metrics only (a Prometheus scraper's); None: REST clients' only.
    metrics_token: str | None = None


@dataclass(frozen=True)
class ApiContext:
    """The node served (``source()`` is read per request: a serving node's configuration may be
    refreshed), the settings, the clock, the VXP replay memory, the clients of recent bearer
    tokens and the stop signal."""

    source: Callable[[], Node]
    settings: ApiSettings = field(default_factory=ApiSettings)
    clock: Clock = utc_now
    replays: ReplayGuard = field(default_factory=MemoryReplayGuard)
    tokens: TokenCache = field(default_factory=lambda: TokenCache(TOKEN_TTL))
    #: Set when the server stops: event streams end instead of holding the shutdown.
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def node(self) -> Node:
        return self.source()

    @property
    def max_upload(self) -> int:
        limit = self.settings.max_upload_bytes
        return self.node.limits.max_package_bytes if limit is None else limit
