"""Which HTTP the SDK speaks: the sync client (one request at a time) HTTP/1.1 with keep-alive,
cheaper for the node per request; the async one HTTP/2, its concurrent requests sharing one
connection."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from client.live import Sdk, tls_server
from lienthong.client import AsyncClient, Client
from lienthong.net import ServerThread
from node.node_network import RECIPIENT


class _Versions:
    """Answers the agencies route; records the HTTP version and client port of each request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    async def __call__(self, request: Request) -> Response:
        client = request.scope.get("client") or ("", 0)
        self.seen.append((str(request.scope["http_version"]), int(client[1])))
        return JSONResponse([{"code": RECIPIENT, "name": "VPCP"}])


@pytest.fixture
def versions(sdk: Sdk) -> Iterator[tuple[ServerThread, _Versions]]:
    handler = _Versions()
    server = tls_server(sdk.live, f"http-{random.randrange(1 << 30)}", {"/api/v1/agencies": handler})
    try:
        yield server, handler
    finally:
        server.stop()


def test_the_sync_client_speaks_http11_on_one_kept_connection(
    sdk: Sdk, versions: tuple[ServerThread, _Versions]
) -> None:
    server, handler = versions
    with Client(server.url, token="t", verify=sdk.live.anchors("vpcp")) as api:
        for _ in range(3):
            assert [a.code for a in api.agencies()] == [RECIPIENT]
    assert [version for version, _ in handler.seen] == ["1.1"] * 3
    assert len({port for _, port in handler.seen}) == 1  # kept alive, not reconnected


@pytest.mark.anyio
async def test_the_async_client_speaks_http2(sdk: Sdk, versions: tuple[ServerThread, _Versions]) -> None:
    server, handler = versions
    async with AsyncClient(server.url, token="t", verify=sdk.live.anchors("vpcp")) as api:
        assert [a.code for a in await api.agencies()] == [RECIPIENT]
    assert [version for version, _ in handler.seen] == ["2"]
