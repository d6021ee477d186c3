"""``HttpTransport``: the real network, HTTP over mutual TLS with httpx.

One ``httpx.Client`` per peer endpoint and sending thread, kept open, so its connection is
reused across deliveries. Not one client shared by all threads: httpcore's sync HTTP/2 can
wedge a connection when several threads multiplex streams on it (encode/httpcore#1022; here a
batch of concurrent sends sat until the 60 s timeout), so each thread keeps its own
connection and concurrency comes from the number of sending threads. With one request at a
time per connection HTTP/2 does not pay: its pure-Python framing (h2, on both sides) cost more
CPU per delivery than HTTP/1.1 keep-alive (node CPU per document 15 ms with HTTP/2, 11 ms with
HTTP/1.1 in ``bench/delivery_bench.py``), so HTTP/1.1 is the default and ``http2=True`` a choice.
What a request costs (TLS records, HTTP and ASGI on both sides) ``deliver_many`` pays once for
many small packages.
The TLS context comes from ``lienthong.net.client_context``: the node's TLS certificate as
client certificate, the network's anchors as the only roots. httpx errors are translated here,
in one place, to ``PeerTimeout``, ``PeerUnreachable`` or ``ReceiptInvalid``; nothing above sees
httpx.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

from lienthong._i18n import msg
from lienthong.node._errors import PeerTimeout, PeerUnreachable, ReceiptInvalid
from lienthong.node._resync_wire import RESYNC_PATH, RESYNC_TYPE
from lienthong.node._trace import TRACE_HEADER, hop_header
from lienthong.node._transport import DeliveryRequest
from lienthong.node._wire import (
    BATCH_PATH,
    BATCH_TYPE,
    PACKAGE_TYPE,
    PACKAGES_PATH,
    RECEIPT_TYPE,
    RECEIPTS_TYPE,
    RECIPIENT_HEADER,
    WireMalformed,
    decode_receipts,
    encode_frames,
)
from lienthong.store import NodeEntry

if TYPE_CHECKING:  # contexts are built by lienthong.net.client_context only
    from ssl import SSLContext


@contextmanager
def map_httpx_errors(peer: str) -> Iterator[None]:
    """httpx's exceptions as the node's delivery errors, the most specific first."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise PeerTimeout(msg("node-peer-timeout", peer=peer, error=type(exc).__name__)) from exc
    except httpx.HTTPError as exc:  # ConnectError (TLS refused too), ReadError, RemoteProtocolError…
        raise PeerUnreachable(
            msg("node-peer-unreachable", peer=peer, error=type(exc).__name__, reason=str(exc))
        ) from exc


#: How fast a peer is assumed at least to check and store a package, for the read timeout.
_PEER_BYTES_PER_S = 4 << 20


class HttpTransport:
    """Delivers to each peer's ``POST /v1/peer/packages``, or several small packages at once to
    its ``POST /v1/peer/batches``. Close it when done."""

    def __init__(
        self, *, tls: SSLContext, timeout: float = 60.0, connect_timeout: float = 10.0, http2: bool = False
    ) -> None:
        self._tls = tls
        self._http2 = http2
        self._seconds, self._connect = timeout, connect_timeout
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        #: Per thread and peer: the generation it was made in, and the client.
        self._clients: dict[tuple[int, str], tuple[int, httpx.Client]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        #: Peers that answered 404 to the batch route (an older node): sent one by one.
        self._unbatched: set[str] = set()

    def _client(self, endpoint: str) -> httpx.Client:
        key = (threading.get_ident(), endpoint)
        with self._lock:
            held = self._clients.get(key)
            if held is not None and held[0] == self._generation:
                return held[1]
            client = httpx.Client(
                base_url=endpoint.rstrip("/"),
                verify=self._tls,
                http2=self._http2,
                timeout=self._timeout,
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            )
            self._clients[key] = (self._generation, client)
        if held is not None:
            # This thread's own client from before ``renew``: its last request is over.
            held[1].close()
        return client

    def renew(self) -> None:
        """New connections from each thread's next delivery on (the TLS context now holds a
        renewed certificate). A delivery under way finishes on its connection: each thread
        closes its old client itself, between requests."""
        with self._lock:
            self._generation += 1

    def _timeout_for(self, size: int) -> httpx.Timeout:
        """httpx's timeouts bound each socket operation, not the whole body; but the answer of a
        large package comes only after the peer has parsed, verified and stored all of it, so
        the wait for it grows with the size (at a pessimistic ``_PEER_BYTES_PER_S``)."""
        return httpx.Timeout(
            self._seconds, connect=self._connect, read=self._seconds + size / _PEER_BYTES_PER_S
        )

    def deliver(self, request: DeliveryRequest) -> bytes:
        peer = request.peer
        if not peer.peer_url:
            raise PeerUnreachable(msg("node-peer-no-endpoint", peer=peer.name))
        headers = {
            "Content-Type": PACKAGE_TYPE,
            RECIPIENT_HEADER: request.recipient,
            TRACE_HEADER: hop_header(request),
        }
        package = request.package
        if package.data is not None:
            content: bytes | Iterator[bytes] = package.data
        else:  # streamed from its blob; the length lets the peer refuse an oversize body unread
            content = package.chunks()
            headers["Content-Length"] = str(package.size)
        with map_httpx_errors(peer.name):
            response = self._client(peer.peer_url).post(
                PACKAGES_PATH, content=content, headers=headers, timeout=self._timeout_for(package.size)
            )
        return _answer(peer.name, response, RECEIPT_TYPE)

    def deliver_many(self, requests: Sequence[DeliveryRequest]) -> list[bytes]:
        """Small packages to one peer in one request to its batch route (``_wire``)."""
        peer = requests[0].peer
        if not peer.peer_url:
            raise PeerUnreachable(msg("node-peer-no-endpoint", peer=peer.name))
        if peer.peer_url in self._unbatched:
            return [self.deliver(request) for request in requests]
        body = encode_frames([(r.recipient, r.package.read_bytes()) for r in requests])
        with map_httpx_errors(peer.name):
            response = self._client(peer.peer_url).post(
                BATCH_PATH,
                content=body,
                headers={"Content-Type": BATCH_TYPE, TRACE_HEADER: hop_header(*requests)},
                timeout=self._timeout_for(len(body)),
            )
        if response.status_code == 404:
            self._unbatched.add(peer.peer_url)
            return [self.deliver(request) for request in requests]
        try:
            return decode_receipts(_answer(peer.name, response, RECEIPTS_TYPE), expected=len(requests))
        except WireMalformed as exc:
            raise ReceiptInvalid(exc.message) from exc

    def resync(self, peer: NodeEntry, body: bytes) -> bytes:
        """Ask ``peer`` to resynchronise this (restored) node: one page (``_resync_wire``)."""
        if not peer.peer_url:
            raise PeerUnreachable(msg("node-peer-no-endpoint", peer=peer.name))
        with map_httpx_errors(peer.name):
            response = self._client(peer.peer_url).post(
                RESYNC_PATH, content=body, headers={"Content-Type": RESYNC_TYPE}
            )
        return _answer(peer.name, response, RESYNC_TYPE)

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for _, client in clients:
            client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _answer(peer: str, response: httpx.Response, media_type: str) -> bytes:
    """The body of a 200 answer of ``media_type``; otherwise the delivery error it means."""
    if response.status_code == 200 and response.headers.get("content-type", "").startswith(media_type):
        return response.content
    if response.status_code >= 500 or response.status_code in (408, 429):
        raise PeerUnreachable(msg("node-peer-http-status", peer=peer, status=response.status_code))
    raise ReceiptInvalid(
        msg("node-peer-no-receipt", peer=peer, status=response.status_code, body=response.text[:200])
    )
