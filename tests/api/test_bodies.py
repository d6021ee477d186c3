"""Bodies sent to a node's API without credentials, or over their route's cap, are refused
before they are read: a real Hypercorn server over TLS on loopback (in a thread: the memory
measured is this process's), hundreds of MB sent lazily, the peak memory bounded, nothing stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from lienthong.api import ApiSettings, add_client, create_app
from lienthong.console import UserFile, create_console
from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from lienthong.store import NodeStore
from lienthong.vxp import sign_headers
from node.node_network import AT, SENDER, Network
from support.bodies import BOUND, Flood, MiB, peak_growth, post_flood, request_flood
from support.pki import Tls

#: The node's upload limit in these tests.
LIMIT = 1 * MiB
_BOUNDARY = "lienthong-test-boundary"
_SYSTEM = "na-qlvb"


@dataclass
class Served:
    url: str
    token: str
    vxp_secret: str
    network: Network
    server: ServerThread

    def credentials(self, path: str) -> dict[str, str]:
        """A REST client's bearer token, or a VXP system's signed headers (no hash-file)."""
        if not path.startswith("/vxp/"):
            return {"Authorization": f"Bearer {self.token}"}
        parameters = {"from": SENDER, "messagetype": "edoc"}
        return sign_headers(parameters, systemid=_SYSTEM, secret=self.vxp_secret, at=datetime.now(UTC))

    def outbox(self) -> int:
        with NodeStore.begin(self.network.sender.database, write=False) as store:
            return len(store.outbox())


@pytest.fixture
def served(network: Network, tls: Tls, tmp_path: Path) -> Iterator[Served]:
    app: FastAPI = create_app(network.sender, settings=ApiSettings(max_upload_bytes=LIMIT))
    app.mount("/", create_console(network.sender, users=UserFile.in_home(tmp_path)))  # as a node serves it
    issued = add_client(network.sender.database, "qlvb-na", codes=[SENDER], at=AT)
    vxp = add_client(network.sender.database, _SYSTEM, codes=[SENDER], at=AT, vxp_systemid=_SYSTEM)
    assert issued.token is not None and vxp.secret is not None
    context = server_context(certificate=tls.server[0], key=tls.server[1], client_anchors=None)
    server = serve_in_thread(app, context)
    try:
        yield Served(server.url, issued.token, vxp.secret, network, server)
    finally:
        server.stop()


@pytest.fixture
def client(tls: Tls) -> Iterator[httpx.Client]:
    with httpx.Client(verify=client_context(anchors=tls.root), timeout=60) as http:
        yield http


def _multipart(total: int) -> Flood:
    head = (
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{{}}\r\n'
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return Flood(total, head=head, tail=f"\r\n--{_BOUNDARY}--\r\n".encode())


_MULTIPART = {"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"}


def _refused(
    served: Served, client: httpx.Client, path: str, flood: Flood, headers: dict[str, str]
) -> httpx.Response:
    """``flood`` POSTed to ``path``: the answer, after checking it cost no memory and stored nothing."""
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, served.url + path, flood, headers)
    assert growth.bytes < BOUND, (path, growth.bytes)
    assert flood.sent < flood.total, path  # the client stopped: it had its answer (or was cut off)
    assert served.outbox() == 0
    assert not served.server.errors, served.server.errors
    assert answer is not None, path
    return answer


@pytest.mark.parametrize("length", ["chunked", "declared"])
def test_compose_without_token_is_refused_before_its_files_are_spooled(
    served: Served, client: httpx.Client, length: str
) -> None:
    flood = _multipart(300 * MiB)
    headers = dict(_MULTIPART)
    if length == "declared":
        headers["Content-Length"] = str(len(flood.head) + flood.total + len(flood.tail))
    answer = _refused(served, client, "/api/v1/documents/compose", flood, headers)
    assert answer.status_code == 401 and answer.json()["code"] == "authentication-required"


def test_documents_without_token_is_refused_before_its_body_is_read(
    served: Served, client: httpx.Client
) -> None:
    answer = _refused(served, client, "/api/v1/documents", Flood(400 * MiB), {})
    assert answer.status_code == 401 and answer.json()["code"] == "authentication-required"


def test_a_json_body_without_token_is_refused_before_it_is_parsed(
    served: Served, client: httpx.Client
) -> None:
    path = f"/api/v1/inbox/{'a' * 64}-{SENDER}/status"
    answer = _refused(served, client, path, Flood(300 * MiB), {"Content-Type": "application/json"})
    assert answer.status_code == 401 and answer.json()["code"] == "authentication-required"


def test_vxp_send_without_headers_is_refused_before_its_body_is_read(
    served: Served, client: httpx.Client
) -> None:
    answer = _refused(served, client, "/vxp/sendEdoc", Flood(400 * MiB, chunk=4 * MiB), {})
    # The VXP SDK reads every answer as HTTP 200 with a status (EDXML.md §4).
    assert answer.status_code == 200
    assert answer.json()["status"] == "FAIL" and answer.json()["ErrorCode"] == "vxp-auth-missing"


@pytest.mark.parametrize(
    ("path", "code", "headers"),
    [
        ("/api/v1/documents", "upload-too-large", {}),
        ("/api/v1/documents/compose", "upload-too-large", _MULTIPART),
        ("/api/v1/outbox/x/update", "upload-too-large", _MULTIPART),
        ("/api/v1/webhook", "body-too-large", {"Content-Type": "application/json"}),
        ("/vxp/sendEdoc", "upload-too-large", {}),
        ("/console/login", "body-too-large", {"Content-Type": "application/x-www-form-urlencoded"}),
    ],
)
@pytest.mark.parametrize("length", ["chunked", "declared"])
def test_a_body_over_its_cap_is_refused_with_413_as_it_arrives(
    served: Served, client: httpx.Client, path: str, code: str, headers: dict[str, str], length: str
) -> None:
    flood = _multipart(200 * MiB) if "multipart" in headers.get("Content-Type", "") else Flood(200 * MiB)
    sent = {**headers, **served.credentials(path)}
    if length == "declared":
        sent["Content-Length"] = str(len(flood.head) + flood.total + len(flood.tail))
    method = "PUT" if path.endswith("webhook") else "POST"
    with peak_growth(os.getpid()) as growth:
        answer = request_flood(client, method, served.url + path, flood, sent)
    assert growth.bytes < BOUND, (path, growth.bytes)
    assert flood.sent < flood.total
    assert served.outbox() == 0
    assert answer is not None and answer.status_code == 413, (path, answer)
    assert answer.json()["code"] == code


def test_a_vxp_operation_answers_without_waiting_for_a_body_it_does_not_read(
    served: Served, client: httpx.Client
) -> None:
    flood = Flood(200 * MiB)
    with peak_growth(os.getpid()) as growth:
        answer = request_flood(
            client, "POST", f"{served.url}/vxp/countReceiveEdoc", flood, served.credentials("/vxp/")
        )
    assert growth.bytes < BOUND, growth.bytes
    assert answer is not None and answer.status_code == 200 and answer.json()["status"] == "OK", answer
    assert flood.sent < flood.total
    declared = {**served.credentials("/vxp/"), "Content-Length": str(flood.total)}
    over = request_flood(client, "POST", f"{served.url}/vxp/countReceiveEdoc", Flood(200 * MiB), declared)
    assert over is not None and over.status_code == 413 and over.json()["code"] == "body-too-large"


@pytest.mark.parametrize("length", ["chunked", "declared"])
def test_console_compose_without_session_is_answered_before_its_files_are_read(
    served: Served, client: httpx.Client, length: str
) -> None:
    flood = _multipart(300 * MiB)
    headers = dict(_MULTIPART)
    if length == "declared":  # beyond the node's package limit: refused by its length alone
        headers["Content-Length"] = str(4 * 1024 * MiB)
    answer = _refused(served, client, "/console/compose", flood, headers)
    if length == "declared":
        assert answer.status_code == 413 and answer.json()["code"] == "body-too-large"
    else:
        assert answer.status_code in (303, 401), answer
