"""Serving an ASGI application over mutual TLS with Hypercorn (HTTP/2 and HTTP/1.1).

The listening socket is bound by us before Hypercorn starts, on loopback port 0 unless a port is
given, so a caller always knows the real address and no fixed port can collide with another
service on the machine.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypercorn.asyncio import serve
from hypercorn.config import Config

from lienthong.net import _h2_guard

__all__ = ["Listening", "ServerThread", "bind", "serve_forever", "serve_in_thread"]

ASGIApp = Callable[..., Any]
_log = logging.getLogger("lienthong.net.server")
#: What OpenSSL says when a client sends data after its close_notify, or goes away mid-goodbye.
_TLS_GOODBYES = (
    "APPLICATION_DATA_AFTER_CLOSE_NOTIFY",
    "UNEXPECTED_EOF_WHILE_READING",
    "SSL shutdown timed out",
)


def _client_left(exc: BaseException | None) -> bool:
    """A client that left without closing TLS (or the TCP connection) properly: its business."""
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return True
    if isinstance(exc, (ssl.SSLError, TimeoutError)):
        return any(word in str(exc) for word in _TLS_GOODBYES)
    return False


def _quiet_goodbyes(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The event loop's exception handler while serving: a client leaving untidily is a debug
    line without a traceback (it filled node logs with asyncio's "SSL shutdown timed out"
    tracebacks); anything else goes to asyncio's default handler, traceback and all."""
    exc = context.get("exception")
    if _client_left(exc):
        _log.debug("a client left without closing its connection properly: %s", exc)
        return
    loop.default_exception_handler(context)


@dataclass(slots=True)
class Listening:
    """A bound, listening socket and the address clients use."""

    sock: socket.socket
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"


def bind(host: str = "127.0.0.1", port: int = 0) -> Listening:
    """Bind and listen now; port 0 lets the kernel pick a free port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return Listening(sock=sock, host=host, port=sock.getsockname()[1])


class _Config(Config):
    """Hypercorn's configuration with our TLS context instead of one built from file names."""

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__()
        self._context = context

    @property
    def ssl_enabled(self) -> bool:
        return True

    def create_ssl_context(self) -> ssl.SSLContext | None:
        return self._context


def _config(listening: Listening, context: ssl.SSLContext) -> Config:
    _h2_guard.install()
    config = _Config(context)
    config.bind = [f"fd://{listening.sock.fileno()}"]
    config.accesslog = None
    config.errorlog = None
    config.keep_alive_timeout = 75
    # Hypercorn closes an HTTP/2 connection (GOAWAY) on its 1,001st request while that request's
    # stream is in flight: long-lived clients (nodes, document-management software) saw
    # "Server disconnected". Connections here live as long as their peers keep them.
    config.keep_alive_max_requests = 2**62
    # Idle keep-alive connections must not hold a shutdown for long.
    config.graceful_timeout = 2
    return config


async def serve_forever(
    app: ASGIApp, listening: Listening, context: ssl.SSLContext, *, shutdown: asyncio.Event | None = None
) -> None:
    """Serve ``app`` on ``listening`` until ``shutdown`` is set (forever without one)."""
    trigger = shutdown.wait if shutdown is not None else None
    asyncio.get_running_loop().set_exception_handler(_quiet_goodbyes)
    await serve(app, _config(listening, context), shutdown_trigger=trigger)


@dataclass(slots=True)
class ServerThread:
    """A server running in a background thread of this process (tests, embedded use)."""

    listening: Listening
    thread: threading.Thread
    _loop: asyncio.AbstractEventLoop
    _stop: asyncio.Event
    errors: list[BaseException] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.listening.url

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(timeout=10)
        # Hypercorn adopts the descriptor (fd://) and closes it on shutdown; ours is a husk.
        self.listening.sock.detach()


def serve_in_thread(app: ASGIApp, context: ssl.SSLContext, *, host: str = "127.0.0.1") -> ServerThread:
    """Start serving ``app`` on a free loopback port in a thread; returns once it listens."""
    listening = bind(host)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.call_soon(ready.set)
            loop.run_until_complete(serve_forever(app, listening, context, shutdown=stop))
        except BaseException as exc:  # reported to the owner, who decides
            errors.append(exc)
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name=f"lienthong-server-{listening.port}", daemon=True)
    thread.start()
    ready.wait(timeout=10)
    return ServerThread(listening=listening, thread=thread, _loop=loop, _stop=stop, errors=errors)
