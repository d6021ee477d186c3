"""Events from real nodes: webhooks signed with HMAC over real TLS, retried until a 2xx, in
order, and not repeated across a node restart; an open event stream ends cleanly when the node
stops; the sync stream resumes after a given event."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Iterator

import pytest
from starlette.requests import Request
from starlette.responses import Response

from client.live import WAIT, Sdk, eventually, tls_server
from lienthong.client import ApiUnavailable, Event, verify_webhook
from lienthong.net import ServerThread, peer_certificate
from node.node_network import document


class _Hook:
    """A webhook endpoint: refuses the first ``failures`` calls with 503, then checks each
    call's signature and accepts it."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.secret = ""
        self.calls = 0
        self.accepted: list[Event] = []
        #: The TLS client certificate (DER) each call's connection presented, None for none.
        self.client_certificates: list[bytes | None] = []
        self.lock = threading.Lock()

    async def __call__(self, request: Request) -> Response:
        body = await request.body()
        presented = peer_certificate()
        with self.lock:
            self.client_certificates.append(presented)
            self.calls += 1
            if self.failures > 0:
                self.failures -= 1
                return Response(status_code=503)
            self.accepted.append(verify_webhook(self.secret, dict(request.headers), body))
        return Response(status_code=204)

    def received(self, message_id: str) -> bool:
        with self.lock:
            return any(e.type == "document.received" and e.message_id == message_id for e in self.accepted)


@pytest.fixture
def hook(sdk: Sdk) -> Iterator[tuple[ServerThread, _Hook]]:
    endpoint = _Hook(failures=2)
    server = tls_server(
        sdk.live, f"hook-{random.randrange(1 << 30)}", {"/hook": endpoint}, ask_client_certificate=True
    )
    try:
        yield server, endpoint
    finally:
        server.stop()


def test_webhook_signed_retried_ordered_and_kept_across_a_restart(
    sdk: Sdk, hook: tuple[ServerThread, _Hook]
) -> None:
    server, endpoint = hook
    with sdk.receiver() as receiver:
        registered = receiver.set_webhook(f"{server.url}/hook")
    assert registered.secret
    endpoint.secret = registered.secret
    with sdk.sender() as sender:
        first = [sender.send_package(document(f"50{n}")) for n in range(2)]
    assert eventually(lambda: all(endpoint.received(s.message_id) for s in first))
    assert endpoint.calls >= len(endpoint.accepted) + 2  # the two 503s were retried
    # The endpoint asked for a client certificate; the node never presents its peer one.
    assert endpoint.client_certificates and set(endpoint.client_certificates) == {None}
    with sdk.receiver() as receiver:
        state = eventually(lambda: (w := receiver.webhook()).cursor >= endpoint.accepted[-1].id and w)
    assert state and state.attempts == 0 and state.secret is None
    before = [e.id for e in endpoint.accepted]

    # A stream open while the node stops ends cleanly (no error, no hang).
    streaming = threading.Event()
    ended: list[object] = []

    def listen() -> None:
        seen = 0
        try:
            with sdk.receiver() as api:
                for _ in api.iter_events(after=before[-1] - 1, reconnect=False):
                    seen += 1
                    streaming.set()
            ended.append(seen)
        except ApiUnavailable as exc:
            ended.append(exc)
        finally:
            streaming.set()

    listener = threading.Thread(target=listen)
    listener.start()
    assert streaming.wait(timeout=WAIT)
    sdk.live.net.nodes["vpcp"].stop()
    listener.join(timeout=WAIT)
    assert not listener.is_alive() and ended == [1], ended

    sdk.live.restart("vpcp")
    with sdk.sender() as sender:
        later = sender.send_package(document("509"))
    assert eventually(lambda: endpoint.received(later.message_id))
    ids = [e.id for e in endpoint.accepted]
    assert ids[: len(before)] == before and ids == sorted(set(ids)), ids  # in order, none repeated
    assert json.loads(endpoint.accepted[-1].model_dump_json())["type"] == "document.received"
    with sdk.receiver() as receiver:
        receiver.remove_webhook()


def test_sync_stream_resumes_after_an_event(sdk: Sdk) -> None:
    with sdk.sender() as sender:
        sent = sender.send_package(document("510"))
        eventually(
            lambda: any(
                e.type == "delivery.delivered" and e.message_id == sent.message_id
                for e in sender.events(limit=500).events
            )
        )
        page = sender.events(limit=500).events
        mine = [e for e in page if e.message_id == sent.message_id]
        assert [e.type for e in mine] == ["document.sent", "delivery.delivered"]
        stream = sender.iter_events(after=mine[0].id)
        resumed = next(stream)
        stream.close()
        assert resumed.id > mine[0].id
