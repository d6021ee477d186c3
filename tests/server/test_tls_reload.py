"""A serving node's TLS certificate replaced while it serves: new handshakes get the new one,
open connections carry on, a bad pair is refused and the one in use kept. Real Hypercorn on
loopback, real certificates from the test PKI."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from lienthong.server._tls_reload import TlsReloader, Watcher
from support.pki import Tls


def _serial(pem: Path) -> int:
    return x509.load_pem_x509_certificate(pem.read_bytes()).serial_number


class _Served:
    def __init__(self, tls: Tls, folder: Path) -> None:
        self.root = tls.root
        self.certificate, self.key = folder / "tls.pem", folder / "tls.key.pem"
        shutil.copyfile(tls.node[0], self.certificate)
        shutil.copyfile(tls.node[1], self.key)
        self.fullchain = folder / "fullchain.pem"
        shutil.copyfile(tls.node[0], self.fullchain)
        self.context = server_context(certificate=self.fullchain, key=self.key, client_anchors=tls.root)
        self.reloader = TlsReloader(
            certificate=self.certificate, key=self.key, fullchain=self.fullchain, contexts=[self.context]
        )
        self.client = client_context(anchors=tls.root, certificate=tls.peer[0], key=tls.peer[1], http2=False)

    def connect(self, server: ServerThread) -> ssl.SSLSocket:
        raw = socket.create_connection((server.listening.host, server.listening.port), timeout=10)
        return self.client.wrap_socket(raw, server_hostname=server.listening.host)

    def serial(self, server: ServerThread) -> int:
        """The serial a new handshake is shown now."""
        with self.connect(server) as connection:
            der = connection.getpeercert(binary_form=True)
        assert der is not None
        return x509.load_der_x509_certificate(der).serial_number


def _hello(connection: ssl.SSLSocket) -> bytes:
    """One HTTP/1.1 request on ``connection``, kept open; the whole answer."""
    connection.sendall(b"GET /hello HTTP/1.1\r\nHost: node\r\n\r\n")
    answer = b""
    while not answer.endswith(b"hello"):  # headers and body may come in separate records
        chunk = connection.recv(4096)
        assert chunk, answer
        answer += chunk
    return answer


@pytest.fixture
def served(tls: Tls, tmp_path: Path) -> Iterator[tuple[_Served, ServerThread]]:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hello")

    node = _Served(tls, tmp_path)
    server = serve_in_thread(Starlette(routes=[Route("/hello", hello)]), node.context)
    yield node, server
    server.stop()


def test_a_new_pair_is_shown_to_new_handshakes_and_an_open_connection_carries_on(
    served: tuple[_Served, ServerThread], tls: Tls
) -> None:
    node, server = served
    before = node.serial(server)
    assert before == _serial(tls.node[0])
    with node.connect(server) as open_before:
        assert _hello(open_before).startswith(b"HTTP/1.1 200")
        shutil.copyfile(tls.peer[0], node.certificate)
        shutil.copyfile(tls.peer[1], node.key)
        assert node.reloader.changed()
        assert node.reloader.reload() == _serial(tls.peer[0])
        assert not node.reloader.changed()
        # The connection made before keeps its certificate and keeps answering.
        assert _hello(open_before).startswith(b"HTTP/1.1 200")
    assert node.serial(server) == _serial(tls.peer[0])
    assert node.fullchain.read_bytes() == tls.peer[0].read_bytes()


def test_a_key_that_is_not_the_certificates_is_refused_and_the_old_pair_kept(
    served: tuple[_Served, ServerThread], tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    node, server = served
    shutil.copyfile(tls.peer[0], node.certificate)  # node-b's certificate, node-a's key still
    with caplog.at_level(logging.ERROR, logger="lienthong.node"):
        assert node.reloader.reload() is None
    assert "tls certificate refused" in caplog.text
    assert node.serial(server) == _serial(tls.node[0])
    assert node.fullchain.read_bytes() == tls.node[0].read_bytes()  # what a later context loads
    assert not node.reloader.changed()  # not retried until the files change again
    shutil.copyfile(tls.peer[1], node.key)
    assert node.reloader.changed()


def test_asking_wakes_the_watch_loop_which_reloads(served: tuple[_Served, ServerThread], tls: Tls) -> None:
    node, server = served
    shutil.copyfile(tls.peer[0], node.certificate)
    shutil.copyfile(tls.peer[1], node.key)

    async def run() -> int:
        stop = asyncio.Event()
        watcher = Watcher([node.reloader])
        watching = asyncio.ensure_future(watcher.watch(0, stop))  # 0: on asking only
        watcher.ask()  # what SIGHUP does
        for _ in range(3000):  # bounded: until a new handshake shows the new serial
            serial = await asyncio.to_thread(node.serial, server)
            if serial != _serial(tls.node[0]):
                break
            await asyncio.sleep(0.01)
        stop.set()
        await watching
        return serial

    assert asyncio.run(run()) == _serial(tls.peer[0])
