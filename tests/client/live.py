"""The SDK against real node processes (``api.api_nodes``) and small local HTTPS servers.

nghe-an  serves 000.00.00.H41: the SDK client "sdk-na" sends from it
vpcp     serves 000.00.00.G22 ("sdk-vp" receives for it) and 000.00.00.H42 ("sdk-h42")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.api_nodes import LiveApi, live_api
from lienthong.client import Client
from lienthong.demo import wait_for
from lienthong.net import ServerThread, capture_peer_certificates, serve_in_thread, server_context
from node.node_network import RECIPIENT, SENDER, SUCCESSOR
from support.pki import fullchain

T = TypeVar("T")

#: Seconds a test waits for something to cross the network: generous, the machine may be busy.
WAIT = 180.0
#: The token the nodes' metrics scraper reads /metrics with (``node serve --metrics-token-file``).
METRICS_TOKEN = "scraper-0123456789abcdef"


def eventually(probe: Callable[[], T]) -> T:
    """``probe()`` until truthy, within ``WAIT`` seconds; its last value."""
    return wait_for(probe, timeout=WAIT)


@dataclass
class Sdk:
    live: LiveApi
    na_token: str
    vp_token: str
    h42_token: str

    def client(self, node: str, token: str, **options: Any) -> Client:
        return Client(self.live.urls[node], token=token, verify=self.live.anchors(node), **options)

    def sender(self, **options: Any) -> Client:
        return self.client("nghe-an", self.na_token, **options)

    def receiver(self, **options: Any) -> Client:
        return self.client("vpcp", self.vp_token, **options)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    base = tmp_path_factory.mktemp("sdk")
    (base / "metrics-token").write_text(METRICS_TOKEN + "\n", encoding="utf-8")
    (base / "metrics-token").chmod(0o600)  # a secret: the node refuses one others can read
    # Webhook endpoints of these tests listen on loopback: the operator allows that.
    options = ("--allow-private-webhooks", "--metrics-token-file", str(base / "metrics-token"))
    yield from live_api(base, options=options)


@pytest.fixture(scope="session")
def sdk(live: LiveApi) -> Sdk:
    return Sdk(
        live,
        na_token=live.token("nghe-an", "sdk-na", [SENDER]),
        vp_token=live.token("vpcp", "sdk-vp", [RECIPIENT]),
        h42_token=live.token("vpcp", "sdk-h42", [SUCCESSOR]),
    )


Handler = Callable[[Request], Awaitable[Response]]


def _endpoint(handler: Handler) -> Handler:
    """``handler`` as a function (Starlette takes any other callable for a raw ASGI app)."""

    async def call(request: Request) -> Response:
        return await handler(request)

    return call


def tls_server(
    live: LiveApi, name: str, routes: dict[str, Handler], *, ask_client_certificate: bool = False
) -> ServerThread:
    """A small HTTPS server on loopback with a certificate of the network's PKI (so the nodes
    and the SDK, trusting the network's anchors, accept it), serving ``routes``.
    ``ask_client_certificate``: the handshake asks for one (optional, from the network's PKI) and
    ``lienthong.net.peer_certificate()`` tells a handler which one, if any, was presented."""
    pki = live.net.pki
    issued = pki.issue_node(name, at=datetime.now(UTC) - timedelta(days=1))
    certificate, key = fullchain(pki, name, issued.cert_path.parent)
    context = server_context(
        certificate=certificate,
        key=key,
        client_anchors=live.anchors("vpcp") if ask_client_certificate else None,
        require_client_certificate=False,
    )
    if ask_client_certificate:
        capture_peer_certificates(context)
    app = Starlette(
        routes=[Route(path, _endpoint(h), methods=["GET", "POST", "PUT"]) for path, h in routes.items()]
    )
    return serve_in_thread(app, context)
