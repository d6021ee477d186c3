"""The client certificate of the TLS connection a request came on.

Hypercorn does not put the peer certificate in the ASGI scope. ``capture_peer_certificates``
gives a server context an ``SSLObject`` class that, when a handshake completes, stores the
verified peer certificate (DER) in a context variable. asyncio runs a connection's reads in one
``contextvars.Context`` and starts the connection's task from it, so every request on that
connection (HTTP/1.1 or HTTP/2 streams) sees its own connection's certificate, and no other's.
"""

from __future__ import annotations

import contextvars
import ssl

__all__ = ["capture_peer_certificates", "peer_certificate"]

_PEER: contextvars.ContextVar[bytes | None] = contextvars.ContextVar(
    "lienthong_peer_certificate", default=None
)


class _CapturingSSLObject(ssl.SSLObject):
    def do_handshake(self) -> None:
        super().do_handshake()
        _PEER.set(self.getpeercert(binary_form=True))


def capture_peer_certificates(context: ssl.SSLContext) -> None:
    """Make connections served with ``context`` remember their peer's certificate."""
    context.sslobject_class = _CapturingSSLObject


def peer_certificate() -> bytes | None:
    """The DER certificate the client presented on this request's connection; None without one
    (or when the server context was not prepared with ``capture_peer_certificates``)."""
    return _PEER.get()
