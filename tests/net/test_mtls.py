"""Mutual TLS on loopback: a real Hypercorn server, real httpx clients, real certificates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from lienthong.trust import Pki
from support.pki import Tls


@pytest.fixture(scope="module")
def network(tls: Tls) -> Iterator[tuple[Path, ServerThread, dict[str, tuple[Path, Path]]]]:
    files = {"node-a": tls.node, "node-b": tls.peer, "intruder": tls.foreign}

    async def hello(request: Request) -> JSONResponse:
        return JSONResponse({"http_version": request.scope["http_version"]})

    app = Starlette(routes=[Route("/hello", hello)])
    cert, key = files["node-a"]
    server = serve_in_thread(app, server_context(certificate=cert, key=key, client_anchors=tls.root))
    yield tls.root, server, files
    server.stop()


def test_a_node_with_a_network_certificate_is_served_over_http2(
    network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]],
) -> None:
    root, server, files = network
    cert, key = files["node-b"]
    context = client_context(anchors=root, certificate=cert, key=key)
    with httpx.Client(verify=context, http2=True) as client:
        response = client.get(f"{server.url}/hello")
    assert response.status_code == 200
    assert response.json() == {"http_version": "2"}
    assert server.listening.host == "127.0.0.1" and server.listening.port > 0


def test_a_long_lived_http2_connection_is_not_cut_after_a_thousand_requests(
    network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]],
) -> None:
    """Hypercorn's default closes an HTTP/2 connection on its 1,001st request, mid-stream."""
    root, server, files = network
    cert, key = files["node-b"]
    context = client_context(anchors=root, certificate=cert, key=key)

    async def run() -> list[int]:
        async with httpx.AsyncClient(
            verify=context, http2=True, limits=httpx.Limits(max_connections=1)
        ) as client:
            answers: list[int] = []
            for _ in range(60):  # 1,200 requests, 20 streams at a time on the one connection
                batch = await asyncio.gather(*(client.get(f"{server.url}/hello") for _ in range(20)))
                answers += [response.status_code for response in batch]
            return answers

    assert asyncio.run(run()) == [200] * 1200


def test_a_client_without_certificate_is_refused(
    network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]],
) -> None:
    root, server, _ = network
    with (
        httpx.Client(verify=client_context(anchors=root)) as client,
        pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)),
    ):
        client.get(f"{server.url}/hello")


def test_a_certificate_from_another_root_is_refused(
    network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]],
) -> None:
    root, server, files = network
    cert, key = files["intruder"]
    with (
        httpx.Client(verify=client_context(anchors=root, certificate=cert, key=key)) as client,
        pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)),
    ):
        client.get(f"{server.url}/hello")


def test_a_server_outside_the_network_is_not_trusted(
    tmp_path: Path, network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]]
) -> None:
    _, server, files = network
    foreign_root = Pki(files["intruder"][0].parent / "foreign").root_path
    cert, key = files["node-b"]
    with (
        httpx.Client(verify=client_context(anchors=foreign_root, certificate=cert, key=key)) as client,
        pytest.raises(httpx.ConnectError) as raised,
    ):
        client.get(f"{server.url}/hello")
    assert isinstance(raised.value.__context__, ssl.SSLError) or "certificate" in str(raised.value).lower()


def _h2_events(sock: ssl.SSLSocket, connection: h2.connection.H2Connection) -> list[h2.events.Event]:
    data = sock.recv(65536)
    if not data:
        return [h2.events.ConnectionTerminated()]
    events = connection.receive_data(data)
    sock.sendall(connection.data_to_send())
    return list(events)


def _h2_answer(sock: ssl.SSLSocket, connection: h2.connection.H2Connection, stream_id: int) -> int | None:
    """The status of ``stream_id``'s response; None when the connection ended first."""
    status: int | None = None
    for _ in range(100):  # bounded: a few frames are expected
        for event in _h2_events(sock, connection):
            if isinstance(event, h2.events.ConnectionTerminated):
                return None
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                status = int(dict(event.headers)[b":status"])
            if (
                isinstance(event, h2.events.StreamEnded | h2.events.StreamReset)
                and event.stream_id == stream_id
            ):
                return status
    return status


def test_request_data_after_the_answer_does_not_cut_the_connection(
    network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]],
) -> None:
    """Hypercorn 0.18.0 dropped the whole HTTP/2 connection (every request in flight on it) when
    DATA came for a stream it had already answered (``lienthong.net._h2_guard``)."""
    root, server, files = network
    cert, key = files["node-b"]
    context = client_context(anchors=root, certificate=cert, key=key)
    context.set_alpn_protocols(["h2"])
    with (
        socket.create_connection(("127.0.0.1", server.listening.port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
        connection.initiate_connection()
        sock.sendall(connection.data_to_send())
        authority = f"127.0.0.1:{server.listening.port}"
        post = [(":method", "POST"), (":path", "/hello"), (":scheme", "https"), (":authority", authority)]
        connection.send_headers(1, post)  # a body follows: the route (GET only) answers 405 first
        sock.sendall(connection.data_to_send())
        assert _h2_answer(sock, connection, 1) == 405
        with contextlib.suppress(h2.exceptions.StreamClosedError):  # the server may have reset it
            connection.send_data(1, b"late body", end_stream=True)
            sock.sendall(connection.data_to_send())
        get = [(":method", "GET"), (":path", "/hello"), (":scheme", "https"), (":authority", authority)]
        connection.send_headers(3, get, end_stream=True)
        sock.sendall(connection.data_to_send())
        assert _h2_answer(sock, connection, 3) == 200, "the connection was cut"


def test_a_client_leaving_without_closing_tls_is_a_debug_line_and_other_errors_keep_their_traceback(
    network: tuple[Path, ServerThread, dict[str, tuple[Path, Path]]], caplog: pytest.LogCaptureFixture
) -> None:
    """Node logs were full of asyncio's "SSL shutdown timed out" tracebacks: clients' business."""
    _root, server, _files = network
    raised: list[BaseException] = [
        TimeoutError("SSL shutdown timed out"),
        ssl.SSLError(1, "[SSL: APPLICATION_DATA_AFTER_CLOSE_NOTIFY] application data after close notify"),
        ConnectionResetError(104, "Connection reset by peer"),
        RuntimeError("a real fault"),
    ]
    caplog.set_level(logging.DEBUG)
    done = threading.Event()

    def report() -> None:
        loop = asyncio.get_running_loop()
        for exc in raised:
            loop.call_exception_handler(
                {"message": "Unhandled exception in client_connected_cb", "exception": exc}
            )
        done.set()

    server._loop.call_soon_threadsafe(report)
    assert done.wait(10)
    quiet = [r for r in caplog.records if r.name == "lienthong.net.server"]
    assert [r.levelno for r in quiet] == [logging.DEBUG] * 3 and all(r.exc_info is None for r in quiet)
    loud = [r for r in caplog.records if r.name == "asyncio"]
    assert len(loud) == 1 and loud[0].levelno == logging.ERROR and loud[0].exc_info is not None
    assert "a real fault" in str(loud[0].exc_info[1])
