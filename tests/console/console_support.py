"""The console of both test nodes, reached in process through httpx's ASGI transport.

vpcp     serves G22: "lan" (clerk), "minh" (leader), "admin" (administrator) act for G22
nghe-an  serves H41: "hoa" (clerk) sends from H41
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI

from lienthong.console import Role, UserFile, create_console
from lienthong.edxml import DocumentBuilder, write_package
from lienthong.net import serve_in_thread, server_context
from lienthong.node import Node, deliver_due, submit
from lienthong.trust import sign_pdf
from node.node_network import AT, RECIPIENT, SENDER, Network
from trust.trust_pdf import minimal_pdf

PASSWORD = "mật-khẩu-thử-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def clock() -> datetime:
    return AT


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def deliver(network: Network) -> None:
    rand = random.Random(1)
    for _ in range(5):
        done = deliver_due(network.sender, network.transport, now=AT, rand=rand)
        done += deliver_due(network.receiver, network.transport, now=AT, rand=rand)
        if not done:
            return


def send_signed_document(network: Network, number: str = "12") -> str:
    """A document with a signed PDF from H41 to G22, delivered; its inbox item id at vpcp."""
    pdf = sign_pdf(minimal_pdf(f"Cong van {number}"), network.pki.signers[SENDER])
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(number, "UBND-VP")
    builder = builder.subject(f"V/v triển khai văn bản số {number}").recipient(RECIPIENT)
    package = builder.attach("cong-van.pdf", pdf, content_type="application/pdf").build(at=AT)
    submission = submit(network.sender, write_package(package), at=AT)
    deliver(network)
    return f"{submission.message_id}-{RECIPIENT}"


def node_home(home: Path, node: Node) -> Path:
    """Make ``home`` a node home (a node.json) whose database is ``node``'s: what the users
    commands need to audit their changes there. Keys are named, never read."""
    url = node.database.engine.url.render_as_string(hide_password=False)
    settings = {"name": node.name, "database": url, "key": "tls.key.pem", "certificate": "tls.pem"}
    home.mkdir(parents=True, exist_ok=True)
    (home / "node.json").write_text(json.dumps(settings), encoding="utf-8")
    return home


def users_at(home: Path) -> UserFile:
    users = UserFile.in_home(home)
    users.add("lan", PASSWORD, roles=[Role.CLERK], codes=[RECIPIENT])
    users.add("minh", PASSWORD, roles=[Role.LEADER], codes=[RECIPIENT])
    users.add("admin", PASSWORD, roles=[Role.ADMINISTRATOR], codes=[RECIPIENT])
    users.add("hoa", PASSWORD, roles=[Role.CLERK], codes=[SENDER])
    return users


@dataclass
class Consoles:
    network: Network
    receiver_app: FastAPI
    sender_app: FastAPI

    def client(self, app: FastAPI) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://node.test")

    async def login(self, app: FastAPI, name: str, password: str = PASSWORD) -> httpx.AsyncClient:
        client = self.client(app)
        page = await client.get("/console/login")
        response = await client.post(
            "/console/login", data={"user": name, "password": password, "csrf": csrf_of(page.text)}
        )
        assert response.status_code == 303, response.text
        return client

    async def deliver(self) -> None:
        await anyio.to_thread.run_sync(deliver, self.network)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def consoles(network: Network, tmp_path: Path) -> Consoles:
    users = users_at(tmp_path / "home")
    return Consoles(
        network,
        create_console(network.receiver, users=users, clock=clock),
        create_console(network.sender, users=users, clock=clock),
    )


@contextmanager
def served_over_tls(app: FastAPI, network: Network, node: str = "vpcp") -> Iterator[str]:
    """``app`` served over TLS on 127.0.0.1 in a thread, with ``node``'s certificate (a browser
    needs a real server); yields its base URL and stops it after."""
    issued = network.pki.pki.issued(node)
    tls = server_context(
        certificate=issued.cert_path,
        key=issued.key_path,
        client_anchors=None,
        require_client_certificate=False,
    )
    server = serve_in_thread(app, tls)
    try:
        yield server.url
    finally:
        server.stop()
