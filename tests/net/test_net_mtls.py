"""Mutual TLS on loopback: a real Hypercorn server, real httpx clients, real certificates."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from lienthong.trust import Pki


def _fullchain(pki: Pki, name: str, directory: Path) -> tuple[Path, Path]:
    issued = pki.issued(name)
    chain = directory / f"{name}.fullchain.pem"
    chain.write_bytes(issued.cert_path.read_bytes() + pki.issuing_path.read_bytes())
    return chain, issued.key_path


@pytest.fixture(scope="module")
def network(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, ServerThread, dict[str, tuple[Path, Path]]]]:
    base = tmp_path_factory.mktemp("net")
    now = datetime.now(UTC)
    pki = Pki.init(base / "pki", at=now)
    foreign = Pki.init(base / "foreign", at=now, name="Foreign")
    for name in ("node-a", "node-b"):
        pki.issue_node(name, at=now)
    foreign.issue_node("intruder", at=now)
    files = {
        "node-a": _fullchain(pki, "node-a", base),
        "node-b": _fullchain(pki, "node-b", base),
        "intruder": _fullchain(foreign, "intruder", base),
    }

    async def hello(request: Request) -> JSONResponse:
        return JSONResponse({"http_version": request.scope["http_version"]})

    app = Starlette(routes=[Route("/hello", hello)])
    cert, key = files["node-a"]
    server = serve_in_thread(app, server_context(certificate=cert, key=key, client_anchors=pki.root_path))
    yield pki.root_path, server, files
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
