"""``HttpTransport``: the real network, HTTP over mutual TLS with httpx.

One ``httpx.Client`` per peer endpoint and sending thread, kept open, so its connection is
reused across deliveries. Not one client shared by all threads: httpcore's sync HTTP/2 can
wedge a connection when several threads multiplex streams on it (encode/httpcore#1022; here a
batch of concurrent sends sat until the 60 s timeout), so each thread keeps its own
connection and concurrency comes from the number of sending threads. With one request at a
time per connection HTTP/2 does not pay: its pure-Python framing (h2, on both sides) cost more
CPU per delivery than HTTP/1.1 keep-alive (node CPU per document 15 ms with HTTP/2, 11 ms with
HTTP/1.1 in ``bench/delivery_bench.py``), so HTTP/1.1 is the default and ``http2=True`` a choice.
The TLS context comes from ``lienthong.net.client_context``: the node's TLS certificate as
client certificate, the network's anchors as the only roots. httpx errors are translated here,
in one place, to ``PeerTimeout``, ``PeerUnreachable`` or ``ReceiptInvalid``; nothing above sees
httpx.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

from lienthong._i18n import tr
from lienthong.node._errors import PeerTimeout, PeerUnreachable, ReceiptInvalid
from lienthong.node._transport import DeliveryRequest
from lienthong.node._wire import PACKAGE_TYPE, PACKAGES_PATH, RECEIPT_TYPE, RECIPIENT_HEADER

if TYPE_CHECKING:  # contexts are built by lienthong.net.client_context only
    from ssl import SSLContext


@contextmanager
def map_httpx_errors(peer: str) -> Iterator[None]:
    """httpx's exceptions as the node's delivery errors, the most specific first."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise PeerTimeout(
            tr(
                f"{peer} không trả lời kịp: {type(exc).__name__}",
                f"{peer} did not answer in time: {type(exc).__name__}",
            )
        ) from exc
    except httpx.HTTPError as exc:  # ConnectError (TLS refused too), ReadError, RemoteProtocolError…
        raise PeerUnreachable(
            tr(
                f"không kết nối được {peer}: {type(exc).__name__}: {exc}",
                f"cannot reach {peer}: {type(exc).__name__}: {exc}",
            )
        ) from exc


class HttpTransport:
    """Delivers to each peer's ``POST /v1/peer/packages``. Close it when done."""

    def __init__(
        self, *, tls: SSLContext, timeout: float = 60.0, connect_timeout: float = 10.0, http2: bool = False
    ) -> None:
        self._tls = tls
        self._http2 = http2
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._clients: dict[tuple[int, str], httpx.Client] = {}
        self._lock = threading.Lock()

    def _client(self, endpoint: str) -> httpx.Client:
        key = (threading.get_ident(), endpoint)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = httpx.Client(
                    base_url=endpoint.rstrip("/"),
                    verify=self._tls,
                    http2=self._http2,
                    timeout=self._timeout,
                    limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                )
                self._clients[key] = client
            return client

    def deliver(self, request: DeliveryRequest) -> bytes:
        peer = request.peer
        if not peer.peer_url:
            raise PeerUnreachable(tr(f"{peer.name} không có địa chỉ", f"{peer.name} has no endpoint"))
        headers = {
            "Content-Type": PACKAGE_TYPE,
            RECIPIENT_HEADER: request.recipient,
        }
        with map_httpx_errors(peer.name):
            response = self._client(peer.peer_url).post(
                PACKAGES_PATH, content=request.package, headers=headers
            )
        if response.status_code == 200 and response.headers.get("content-type", "").startswith(RECEIPT_TYPE):
            return response.content
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise PeerUnreachable(
                tr(
                    f"{peer.name} trả lời HTTP {response.status_code}",
                    f"{peer.name} answered HTTP {response.status_code}",
                )
            )
        raise ReceiptInvalid(
            tr(
                f"{peer.name} trả lời HTTP {response.status_code} không kèm biên nhận: {response.text[:200]}",
                f"{peer.name} answered HTTP {response.status_code} without a receipt: {response.text[:200]}",
            )
        )

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
