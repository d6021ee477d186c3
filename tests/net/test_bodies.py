"""``BodyGuard`` in front of a real Hypercorn server over TLS on loopback: the caller is checked
before a body is read (FastAPI parses a declared body before the route's dependencies), a
declared length over the cap is refused at once, and a body without one is cut off at the cap;
the serving process (this one: the server runs in a thread) never holds the body."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, Header
from pydantic import BaseModel
from starlette.datastructures import Headers

from lienthong._i18n import msg
from lienthong.errors import LienthongError
from lienthong.net import (
    BodyGuard,
    BodyRule,
    MiB,
    ServerThread,
    client_context,
    install_problem_handlers,
    problem_answer,
    serve_in_thread,
    server_context,
)
from support.bodies import BOUND, Flood, peak_growth, post_flood
from support.pki import Tls


class Unknown(LienthongError):
    code = "caller-unknown"


_TABLE = {LienthongError: 400, Unknown: 401}
_INTERNAL = msg("api-internal-error")
_LOG = logging.getLogger("test.bodies")
_ANSWER = problem_answer(_TABLE, realm="test", internal=_INTERNAL, log=_LOG)


class Note(BaseModel):
    text: str


async def _token(headers: Headers) -> None:
    if headers.get("authorization") != "Bearer good":
        raise Unknown("caller unknown")


def _caller(authorization: Annotated[str | None, Header()] = None) -> str:
    if authorization != "Bearer good":
        raise Unknown("caller unknown")
    return "good"


def _app(parsed: list[int]) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app, _TABLE, realm="test", internal=_INTERNAL, log=_LOG)
    rules = [BodyRule(r"/notes(/.*)?", 1 * MiB, _token), BodyRule(r"/open", 2 * MiB)]
    app.add_middleware(BodyGuard, rules=rules, answer=_ANSWER)

    @app.post("/notes")
    def add(note: Note, _who: Annotated[str, Depends(_caller)]) -> dict[str, int]:
        parsed.append(len(note.text))
        return {"length": len(note.text)}

    @app.get("/notes")
    def listing() -> list[str]:
        return []

    @app.post("/open")
    async def open_(note: Note) -> dict[str, int]:
        parsed.append(len(note.text))
        return {"length": len(note.text)}

    @app.post("/unguarded")
    async def unguarded(note: Note) -> dict[str, int]:
        return {"length": len(note.text)}

    return app


@pytest.fixture(scope="module")
def served(tls: Tls) -> Iterator[tuple[ServerThread, list[int]]]:
    parsed: list[int] = []
    context = server_context(certificate=tls.server[0], key=tls.server[1], client_anchors=None)
    server = serve_in_thread(_app(parsed), context)
    yield server, parsed
    server.stop()


@pytest.fixture
def client(tls: Tls) -> Iterator[httpx.Client]:
    with httpx.Client(verify=client_context(anchors=tls.root), timeout=60) as http:
        yield http


def test_a_caller_not_known_is_refused_before_its_body_is_read(
    served: tuple[ServerThread, list[int]], client: httpx.Client
) -> None:
    server, parsed = served
    before = len(parsed)
    flood = Flood(300 * MiB)
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, f"{server.url}/notes", flood, {"Content-Type": "application/json"})
    assert growth.bytes < BOUND, growth.bytes
    assert answer is not None and answer.status_code == 401, answer
    assert answer.json()["code"] == "caller-unknown"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="test"'
    assert len(parsed) == before and flood.sent < flood.total


def test_a_declared_length_over_the_cap_is_refused_at_once(
    served: tuple[ServerThread, list[int]], client: httpx.Client
) -> None:
    server, parsed = served
    before = len(parsed)
    flood = Flood(400 * MiB)
    headers = {"Authorization": "Bearer good", "Content-Length": str(flood.total)}
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, f"{server.url}/notes", flood, headers)
    assert growth.bytes < BOUND, growth.bytes
    assert answer is not None and answer.status_code == 413
    assert answer.json()["code"] == "body-too-large"
    assert len(parsed) == before and flood.sent < flood.total


@pytest.mark.parametrize("path", ["/notes", "/open"])
def test_a_body_without_length_is_cut_off_at_the_cap(
    served: tuple[ServerThread, list[int]], client: httpx.Client, path: str
) -> None:
    server, parsed = served
    before = len(parsed)
    flood = Flood(300 * MiB, head=b'{"text": "', tail=b'"}')
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, server.url + path, flood, {"Authorization": "Bearer good"})
    assert growth.bytes < BOUND, growth.bytes
    assert answer is not None and answer.status_code == 413, answer
    assert answer.json()["code"] == "body-too-large"
    assert len(parsed) == before and flood.sent < flood.total
    assert not server.errors, server.errors  # the route's read of a cut body is no failure


def test_a_known_caller_within_the_cap_is_served_and_reading_routes_pass(
    served: tuple[ServerThread, list[int]], client: httpx.Client
) -> None:
    server, parsed = served
    text = "x" * (MiB // 2)
    within = client.post(f"{server.url}/notes", json={"text": text}, headers={"Authorization": "Bearer good"})
    assert within.status_code == 200 and within.json() == {"length": len(text)}
    chunked = client.post(
        f"{server.url}/open",
        content=iter([b'{"text": "', text.encode(), b'"}']),
        headers={"Content-Type": "application/json"},
    )
    assert chunked.status_code == 200 and chunked.json() == {"length": len(text)}
    assert client.get(f"{server.url}/notes").status_code == 200  # a GET carries no body to check
    assert client.post(f"{server.url}/unguarded", json={"text": "y"}).json() == {"length": 1}
    assert parsed[-2:] == [len(text), len(text)]


@pytest.mark.parametrize(
    ("asked", "said"),
    [("en", "the request body exceeds 1048576 bytes"), ("vi", "thân yêu cầu vượt giới hạn 1048576 byte")],
)
def test_a_refusal_before_the_body_is_read_speaks_the_language_asked(
    served: tuple[ServerThread, list[int]], client: httpx.Client, asked: str, said: str
) -> None:
    server, _ = served
    headers = {"Authorization": "Bearer good", "Content-Length": str(2 * MiB), "Accept-Language": asked}
    answer = post_flood(client, f"{server.url}/notes", Flood(2 * MiB), headers)
    assert answer is not None and answer.status_code == 413, answer
    assert answer.json() == {
        "code": "body-too-large",
        "message": said,
        "message_code": "net-body-too-large",
        "params": {"limit": MiB},
    }
    assert answer.headers["Content-Language"] == asked


def test_a_rule_with_a_check_needs_an_answer() -> None:
    with pytest.raises(ValueError, match="answer"):
        BodyGuard(FastAPI(), rules=[BodyRule("/x", 1, _token)])


def test_over_http2_a_refusal_arrives_and_the_connection_serves_on(
    served: tuple[ServerThread, list[int]], tls: Tls
) -> None:
    """HTTP/2 ends the refused stream, not the connection: the client's DATA is taken and
    dropped (its flow-control window kept open), its answer read, the connection used again."""
    server, parsed = served
    before = len(parsed)
    json = {"Content-Type": "application/json"}
    cases = [
        ("/notes", json, 401, "caller-unknown"),
        ("/open", json, 413, "body-too-large"),
        ("/notes", {"Authorization": "Bearer good", "Content-Length": str(32 * MiB)}, 413, "body-too-large"),
    ]
    with httpx.Client(verify=client_context(anchors=tls.root), http2=True, timeout=60) as client:
        for path, headers, status, code in cases:
            with peak_growth(os.getpid()) as growth:
                answer = client.post(server.url + path, content=iter(Flood(32 * MiB)), headers=headers)
            assert growth.bytes < BOUND, (path, growth.bytes)
            assert answer.http_version == "HTTP/2" and answer.status_code == status, (path, answer)
            assert answer.json()["code"] == code
        assert client.get(f"{server.url}/notes").status_code == 200
    assert len(parsed) == before and not server.errors
