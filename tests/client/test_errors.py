"""Refusals become typed exceptions; the retry rules proven against real servers: a read is
retried through 503s, a write never once it reached the server, but again while the
connection cannot be made."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from client.live import Sdk, eventually, tls_server
from lienthong.api import remove_client
from lienthong.client import (
    ApiRefused,
    ApiUnavailable,
    AsyncClient,
    Client,
    Conflict,
    NotAuthenticated,
    NotFound,
    NotPermitted,
    RequestRejected,
    RetryPolicy,
    TooLarge,
    Unprocessable,
)
from lienthong.demo import free_port
from lienthong.net import ServerThread
from node.e2e_network import MAX_PACKAGE_BYTES
from node.node_network import RECIPIENT, SENDER, document


def test_refusals_are_typed(sdk: Sdk) -> None:
    with sdk.client("vpcp", "lt_nobody") as stranger, pytest.raises(NotAuthenticated) as refused:
        stranger.inbox()
    assert refused.value.status == 401 and refused.value.code == "authentication-required"
    with sdk.receiver() as api:
        with pytest.raises(NotPermitted):
            api.inbox(agency=SENDER)
        with pytest.raises(NotFound):
            api.document(f"{'0' * 64}-{RECIPIENT}")
        with pytest.raises(RequestRejected):
            api.document("not-an-item")
        with pytest.raises(NotFound):
            api.agency("000.00.00.Z99")
    with sdk.sender() as api:
        with pytest.raises(TooLarge):  # refused by its Content-Length, answered at once
            api.send_package(b"<" + b"x" * MAX_PACKAGE_BYTES + b">")
        with pytest.raises(Unprocessable) as unprocessable:
            api.send_package(b"<not-edxml/>")
        assert unprocessable.value.message  # one sentence, with a stable code
        with pytest.raises(NotPermitted):  # a package from a code the client may not act for
            api.send_package(document("401", sender=RECIPIENT, to=(SENDER,)))


def test_status_out_of_order_is_a_conflict(sdk: Sdk) -> None:
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.send_package(document("402"))
        item = eventually(lambda: [i for i in receiver.iter_inbox() if i.message_id == sent.message_id])
        assert item
        with pytest.raises(Conflict) as conflict:
            receiver.send_status(item[0].id, "06")
        assert isinstance(conflict.value, ApiRefused) and conflict.value.code == "status-out-of-order"


class _Flaky:
    """Answers 503 to the first ``failures`` calls of each path, then 200; counts calls."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: dict[str, int] = {}

    async def __call__(self, request: Request) -> Response:
        await request.body()
        path = request.url.path
        self.calls[path] = self.calls.get(path, 0) + 1
        if self.calls[path] <= self.failures:
            return JSONResponse({"code": "busy", "message": "bận"}, status_code=503)
        if path.endswith("/recall"):
            sent = {
                "message_id": "m",
                "document_id": "d",
                "package_sha256": "s",
                "recipients": [],
                "repeated": False,
            }
            return JSONResponse(sent, status_code=201)
        return JSONResponse([{"code": RECIPIENT, "name": "VPCP"}])


class _Counting(random.Random):
    """Records each wait the retry policy draws."""

    def __init__(self) -> None:
        super().__init__(5)
        self.draws = 0

    def uniform(self, a: float, b: float) -> float:
        self.draws += 1
        return super().uniform(a, b) / 100  # short waits


@pytest.fixture
def flaky(sdk: Sdk) -> Iterator[tuple[ServerThread, _Flaky]]:
    handler = _Flaky(failures=2)
    name = f"flaky-{random.randrange(1 << 30)}"
    server = tls_server(
        sdk.live,
        name,
        {"/api/v1/agencies": handler, "/api/v1/outbox/m/recall": handler, "/api/v1/inbox/i/ack": handler},
    )
    try:
        yield server, handler
    finally:
        server.stop()


def test_a_read_is_retried_through_503(sdk: Sdk, flaky: tuple[ServerThread, _Flaky]) -> None:
    server, handler = flaky
    rand = _Counting()
    with Client(server.url, token="t", verify=sdk.live.anchors("vpcp"), rand=rand) as api:
        assert [a.code for a in api.agencies()] == [RECIPIENT]
    assert handler.calls["/api/v1/agencies"] == 3 and rand.draws == 2


def test_a_write_that_reached_the_server_is_not_retried(sdk: Sdk, flaky: tuple[ServerThread, _Flaky]) -> None:
    server, handler = flaky
    with Client(server.url, token="t", verify=sdk.live.anchors("vpcp"), rand=_Counting()) as api:
        with pytest.raises(ApiUnavailable) as unavailable:
            api.recall("m", "x")
        assert unavailable.value.code == "busy"
        assert handler.calls["/api/v1/outbox/m/recall"] == 1
        with pytest.raises(ApiUnavailable):  # the caller decides to try again, and again
            api.recall("m", "x")
        assert api.recall("m", "x").message_id == "m"
        assert handler.calls["/api/v1/outbox/m/recall"] == 3


def test_an_idempotent_write_is_retried_like_a_read(sdk: Sdk, flaky: tuple[ServerThread, _Flaky]) -> None:
    """Acknowledging twice records the same thing: a lost answer or a 503 is simply tried again."""
    server, handler = flaky
    rand = _Counting()
    with Client(server.url, token="t", verify=sdk.live.anchors("vpcp"), rand=rand) as api:
        api.acknowledge("i")
    assert handler.calls["/api/v1/inbox/i/ack"] == 3 and rand.draws == 2


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unreachable_is_retried_then_unavailable(sdk: Sdk, method: str) -> None:
    rand = _Counting()
    url = f"https://127.0.0.1:{free_port()}"  # nothing listens: the request never leaves
    with (
        Client(
            url, token="t", verify=sdk.live.anchors("vpcp"), rand=rand, retry=RetryPolicy(attempts=3)
        ) as api,
        pytest.raises(ApiUnavailable),
    ):
        api.agencies() if method == "GET" else api.recall("m", "x")
    assert rand.draws == 2


@pytest.mark.anyio
async def test_the_async_client_keeps_the_same_rules(sdk: Sdk, flaky: tuple[ServerThread, _Flaky]) -> None:
    server, handler = flaky
    anchors = sdk.live.anchors("vpcp")
    async with AsyncClient(server.url, token="t", verify=anchors, rand=_Counting()) as api:
        assert [a.code for a in await api.agencies()] == [RECIPIENT]
        with pytest.raises(ApiUnavailable):
            await api.recall("m", "x")
    assert handler.calls == {"/api/v1/agencies": 3, "/api/v1/outbox/m/recall": 1}


def test_a_client_removed_while_the_node_serves_is_refused_within_the_token_ttl(sdk: Sdk) -> None:
    database = sdk.live.net.database("nghe-an")
    token = sdk.live.token("nghe-an", "sdk-removed", [SENDER])
    with sdk.client("nghe-an", token) as api:
        api.outbox()  # accepted
        assert remove_client(database, "sdk-removed")  # this process: not the node's
        # The node holds a token's client ApiSettings.token_ttl seconds (5) at most.
        assert eventually(lambda: _refused(api))


def _refused(api: Client) -> bool:
    try:
        api.outbox()
    except NotAuthenticated:
        return True
    return False
