"""``ServiceMetrics`` on a real server over TLS on loopback: a client that goes away before its
answer counts as 499 (client closed request), never as a 500 of ours; one that leaves an event
stream it was answered counts as that answer."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from prometheus_client.parser import text_string_to_metric_families

from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from lienthong.statistics import ServiceMetrics
from support.pki import Tls


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.get("/events")
    async def events() -> StreamingResponse:
        async def ticks() -> AsyncIterator[bytes]:
            for number in range(10_000):
                yield f"data: {number}\n\n".encode()
                await asyncio.sleep(0.01)

        return StreamingResponse(ticks(), media_type="text/event-stream")

    ServiceMetrics("test").install(app)
    return app


@pytest.fixture
def server(tls: Tls) -> Iterator[ServerThread]:
    context = server_context(certificate=tls.server[0], key=tls.server[1], client_anchors=None, http2=False)
    running = serve_in_thread(_app(), context)
    yield running
    running.stop()


def _counts(server: ServerThread, tls: Tls, route: str) -> dict[str, float]:
    with httpx.Client(verify=client_context(anchors=tls.root)) as client:
        text = client.get(f"{server.url}/metrics").text
    return {
        sample.labels["status"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "lienthong_http_requests_total" and sample.labels["route"] == route
    }


def _counted(server: ServerThread, tls: Tls, route: str) -> dict[str, float]:
    """The counts of ``route`` once it has one (the server counts after the client has left)."""
    for _ in range(200):
        found = _counts(server, tls, route)
        if found:
            return found
        time.sleep(0.05)
    return {}


def test_a_client_gone_before_its_answer_counts_as_499_not_500(server: ServerThread, tls: Tls) -> None:
    host, port = server.url.removeprefix("https://").split(":")
    context = client_context(anchors=tls.root)
    raw = socket.create_connection((host, int(port)), timeout=30)
    with context.wrap_socket(raw, server_hostname=host) as conn:
        head = f"POST /upload HTTP/1.1\r\nHost: {host}\r\nContent-Length: 10000000\r\n\r\n"
        conn.sendall(head.encode() + b"x" * 65536)
        # Gone with most of the body unsent: an end of stream, not a reset (which could discard
        # the request unread), then whatever the server sent is read until it closes too.
        conn.shutdown(socket.SHUT_WR)  # the TLS layer let go: what follows is read raw
        while conn.recv(65536):
            pass
    assert _counted(server, tls, "/upload") == {"499": 1.0}


def test_a_client_leaving_an_event_stream_counts_as_its_answer(server: ServerThread, tls: Tls) -> None:
    with (
        httpx.Client(verify=client_context(anchors=tls.root)) as client,
        client.stream("GET", f"{server.url}/events") as stream,
    ):
        assert stream.status_code == 200
        next(stream.iter_bytes())
    assert _counted(server, tls, "/events") == {"200": 1.0}
