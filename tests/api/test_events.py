"""Events of the REST API between two in-process nodes: the vocabulary, scope, paging, the SSE
frames, and webhooks signed with HMAC, retried until acknowledged, never repeated after."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import timedelta

import anyio.to_thread
import httpx
import pytest

from api.api_network import Api
from lienthong._i18n import Message, msg, render
from lienthong.api import (
    ApiSettings,
    add_client,
    create_app,
    register_webhook,
    stop_streams,
)
from lienthong.client import Event, WebhookInvalid, verify_webhook
from lienthong.evidence import load_message
from lienthong.node import RetryPolicy
from lienthong.server import WebhookDispatcher
from lienthong.store import EventStore
from node.node_network import AT, RECIPIENT, SENDER, SUCCESSOR, document

pytestmark = pytest.mark.anyio
JSON = {"Accept": "application/json"}


async def _types(client: httpx.AsyncClient, after: int = 0) -> list[tuple[str, str]]:
    answer = await client.get("/api/v1/events", params={"after": after}, headers=JSON)
    assert answer.status_code == 200, answer.text
    return [(e["type"], e["code"]) for e in answer.json()["events"]]


async def _exchange(api: Api) -> str:
    """A document H41 → G22, delivered, answered 01, then recalled; returns its message id."""
    sent = await api.sender.post("/api/v1/documents", content=document("201"))
    assert sent.status_code == 201, sent.text
    message_id = str(sent.json()["message_id"])
    await api.deliver()
    item = (await api.receiver.get("/api/v1/inbox")).json()["items"][0]["id"]
    assert (await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "01"})).status_code == 201
    await api.deliver()
    recall = await api.sender.post(f"/api/v1/outbox/{message_id}/recall", json={"reason": "sai"})
    assert recall.status_code == 201, recall.text
    await api.deliver()
    assert (await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "16"})).status_code == 201
    await api.deliver()
    return message_id


async def test_vocabulary_and_scope(api: Api) -> None:
    await _exchange(api)
    assert await _types(api.sender) == [
        ("document.sent", SENDER),
        ("delivery.delivered", SENDER),
        ("status.received", SENDER),
        ("status.sent", SENDER),
        ("delivery.delivered", SENDER),
        ("recall.answered", SENDER),
    ]
    assert await _types(api.receiver) == [
        ("document.received", RECIPIENT),
        ("status.sent", RECIPIENT),
        ("delivery.delivered", RECIPIENT),
        ("recall.requested", RECIPIENT),
        ("status.sent", RECIPIENT),
        ("delivery.delivered", RECIPIENT),
    ]
    first = (await api.receiver.get("/api/v1/events", headers=JSON)).json()["events"][0]
    assert first["item_id"] == f"{first['message_id']}-{RECIPIENT}"
    assert (await api.receiver.get(f"/api/v1/inbox/{first['item_id']}")).status_code == 200
    # A client of the other code served at vpcp sees none of it, but its cursor moves on.
    other = add_client(api.network.receiver.database, "qlvb-h42", codes=[SUCCESSOR], at=AT)
    answer = await api.receiver.get(
        "/api/v1/events", headers={**JSON, "Authorization": f"Bearer {other.token}"}
    )
    assert answer.json()["events"] == [] and answer.json()["next_after"] > 0


async def test_paging_and_resuming(api: Api) -> None:
    await _exchange(api)
    seen: list[int] = []
    after = 0
    for _ in range(10):
        page = (
            await api.sender.get("/api/v1/events", params={"after": after, "limit": 2}, headers=JSON)
        ).json()
        if not page["events"]:
            break
        seen += [e["id"] for e in page["events"]]
        after = page["next_after"]
    assert len(seen) == 6 and seen == sorted(set(seen))
    resumed = await api.sender.get("/api/v1/events", headers={**JSON, "Last-Event-ID": str(seen[3])})
    assert [e["id"] for e in resumed.json()["events"]] == seen[4:]
    for wrong in ("x", "9" * 30):
        bad = await api.sender.get("/api/v1/events", headers={**JSON, "Last-Event-ID": wrong})
        assert bad.status_code == 400 and bad.json()["code"] == "request-invalid"
    assert (await api.sender.get("/api/v1/events", headers={"Authorization": "Bearer no"})).status_code == 401


async def test_stream_frames_end_when_the_api_stops(api: Api) -> None:
    await _exchange(api)
    await stop_streams(api.sender_app)  # the stream sends what is there, then ends
    answer = await api.sender.get(
        "/api/v1/events", headers={"Accept": "text/event-stream", "Last-Event-ID": "0"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    frames = [f for f in answer.text.split("\n\n") if f.startswith("id:")]
    assert len(frames) == 6
    lines = dict(line.split(": ", 1) for line in frames[0].splitlines())
    event = Event.model_validate_json(lines["data"])
    assert lines["id"] == str(event.id) and lines["event"] == event.type == "document.sent"


async def test_webhook_registration(api: Api) -> None:
    assert (await api.receiver.get("/api/v1/webhook")).status_code == 404
    refused = await api.receiver.put("/api/v1/webhook", json={"url": "http://example.org/hook"})
    assert refused.status_code == 400 and refused.json()["code"] == "webhook-url-refused"
    made = await api.receiver.put("/api/v1/webhook", json={"url": "https://qlvb.example.vn/hook"})
    assert made.status_code == 201 and made.json()["secret"]
    shown = (await api.receiver.get("/api/v1/webhook")).json()
    assert shown["url"] == "https://qlvb.example.vn/hook" and shown["secret"] is None
    assert (await api.receiver.delete("/api/v1/webhook")).status_code == 204
    assert (await api.receiver.delete("/api/v1/webhook")).status_code == 404


class _Receiver:
    """A webhook endpoint as a function: refuses the first ``failures`` calls, then checks and
    records every call."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.secret = ""
        self.calls: list[httpx.Request] = []
        self.accepted: list[Event] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if self.failures > 0:
            self.failures -= 1
            return httpx.Response(503)
        event = verify_webhook(self.secret, request.headers, request.content, now=AT.timestamp())
        self.accepted.append(event)
        return httpx.Response(204)


async def test_webhook_signed_retried_in_order_and_not_repeated(api: Api) -> None:
    made = await api.receiver.put("/api/v1/webhook", json={"url": "http://127.0.0.1:9/hook", "after": 0})
    hook = _Receiver(failures=2)
    hook.secret = made.json()["secret"]
    await _exchange(api)
    now = [AT]

    def dispatcher() -> WebhookDispatcher:
        return WebhookDispatcher(
            lambda: api.network.receiver,
            allow_private=True,
            transport=httpx.MockTransport(hook),
            retry=RetryPolicy(base=timedelta(seconds=1), cap=timedelta(seconds=4)),
            clock=lambda: now[0],
            rand=random.Random(3),
            batch=4,
        )

    first = dispatcher()
    assert first.run_once() == 0  # 503: the event waits, with a backoff
    state = (await api.receiver.get("/api/v1/webhook", headers={"Accept-Language": "en"})).json()
    assert state["attempts"] == 1 and state["last_error"] == "HTTP 503" and state["cursor"] == 0
    assert state["last_error_message"] == {"code": "server-webhook-answered", "params": {"status": 503}}
    in_vietnamese = (await api.receiver.get("/api/v1/webhook")).json()
    assert in_vietnamese["last_error"] == "ứng dụng trả lời HTTP 503"
    assert first.run_once() == 0  # not due yet: nothing sent
    assert len(hook.calls) == 1
    for _ in range(4):
        now[0] += timedelta(seconds=5)
        first.run_once()
    first.close()
    assert len(hook.accepted) == 6
    # A new dispatcher (a restart) continues after the acknowledged events: none repeated.
    second = dispatcher()
    now[0] += timedelta(seconds=5)
    assert second.run_once() == 0
    second.close()
    ids = [e.id for e in hook.accepted]
    assert ids == sorted(set(ids))
    assert [e.type for e in hook.accepted][:3] == ["document.received", "status.sent", "delivery.delivered"]
    with EventStore.begin(api.network.receiver.database) as store:
        # Caught up to the log's head (receipts it issued included): an idle webhook is not claimed.
        assert store.webhook("qlvb-vpcp").cursor == store.head() >= ids[-1]  # type: ignore[union-attr]
    signed = hook.calls[-1]
    assert signed.headers["Lienthong-Signature"].startswith("v1=")
    with pytest.raises(WebhookInvalid):
        verify_webhook("wrong", signed.headers, signed.content, now=AT.timestamp())
    with pytest.raises(WebhookInvalid):
        verify_webhook(hook.secret, signed.headers, signed.content + b" ", now=AT.timestamp())
    later = (AT + timedelta(hours=1)).timestamp()
    with pytest.raises(WebhookInvalid):
        verify_webhook(hook.secret, signed.headers, signed.content, now=later)
    assert json.loads(signed.content)["id"] == ids[-1]


async def test_idle_stream_sends_keepalives_and_ends_on_stop(api: Api) -> None:
    settings = ApiSettings(events_poll=0.05, events_heartbeat=0.1, events_wake=0.01)
    app = create_app(api.network.sender, settings=settings, clock=lambda: AT)
    token = add_client(api.network.sender.database, "sse", codes=[SENDER], at=AT).token

    async def stop_soon() -> None:
        await asyncio.sleep(0.5)
        await stop_streams(app)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://na") as client:
        stopper = asyncio.create_task(stop_soon())
        answer = await client.get(
            "/api/v1/events",
            headers={"Accept": "text/event-stream", "Authorization": f"Bearer {token}"},
            timeout=30,
        )
        await stopper
    assert answer.status_code == 200
    assert answer.text.startswith("retry: ") and ": keepalive\n\n" in answer.text
    assert "id:" not in answer.text  # nothing happened: no event


PRIVATE_TARGETS = {
    "https://127.0.0.1/hook": "loopback",
    "https://localhost:8443/hook": "loopback",  # a name (from /etc/hosts) for a loopback address
    "https://10.1.2.3/hook": "private",
    "https://172.20.0.1/hook": "private",
    "https://192.168.1.10/hook": "private",
    "https://169.254.169.254/latest/meta-data": "link-local",
    "https://[fe80::1]/hook": "link-local",
    "https://[fd12:3456::1]/hook": "unique-local",
    "https://[::ffff:10.0.0.1]/hook": "private",
    "https://224.0.0.251/hook": "multicast",
    "https://0.0.0.0/hook": "unspecified",
    "https://[::]/hook": "unspecified",
}


async def test_webhooks_to_loopback_or_private_addresses_are_refused_unless_allowed(api: Api) -> None:
    app = create_app(api.network.receiver)  # the default: private targets refused
    headers = {"Authorization": api.receiver.headers["Authorization"]}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://vpcp", headers=headers) as client:
        for url, kind in PRIVATE_TARGETS.items():
            refused = await client.put("/api/v1/webhook", json={"url": url})
            assert refused.status_code == 400, (url, refused.text)
            assert refused.json()["code"] == "webhook-target-refused", url
            assert f"({kind})" in refused.json()["message"], (url, refused.json())
        plain = await client.put("/api/v1/webhook", json={"url": "http://127.0.0.1:9/hook"})
        assert plain.status_code == 400
        assert (await client.get("/api/v1/webhook")).status_code == 404  # nothing registered
        public = await client.put("/api/v1/webhook", json={"url": "https://203.119.8.10/hook"})
        assert public.status_code == 201, public.text  # a public address (not contacted here)
    # The operator's flag lets them through (the fixture's app has it).
    allowed = await api.receiver.put("/api/v1/webhook", json={"url": "https://10.1.2.3/hook"})
    assert allowed.status_code == 201


async def test_a_webhook_whose_name_now_resolves_to_a_private_address_is_not_called(api: Api) -> None:
    await _exchange(api)
    addresses = {"qlvb.example.vn": ["203.119.8.10"]}

    def resolve(host: str, _port: int) -> list[str]:
        return addresses.get(host, [])

    database = api.network.receiver.database
    add_client(database, "qlvb-dns", codes=[RECIPIENT], at=AT)
    register_webhook(database, "qlvb-dns", "https://qlvb.example.vn/hook", after=0, at=AT, resolve=resolve)
    addresses["qlvb.example.vn"] = ["203.119.8.10", "10.0.0.5"]  # rebound to the node's own network
    called: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        called.append(request)
        return httpx.Response(204)

    dispatcher = WebhookDispatcher(
        lambda: api.network.receiver,
        resolve=resolve,
        transport=httpx.MockTransport(endpoint),
        clock=lambda: AT,
    )
    try:
        await anyio.to_thread.run_sync(dispatcher.run_once)
    finally:
        dispatcher.close()
    with EventStore.begin(database) as store:
        hook = store.webhook("qlvb-dns")
    assert called == []
    assert hook is not None and hook.attempts == 1 and hook.cursor == 0
    why = load_message(hook.last_error)  # kept as data: rendered by whoever reads it
    assert isinstance(why, Message) and why.code == "api-webhook-target-refused"
    assert why.params == {
        "host": "qlvb.example.vn",
        "reason": msg("api-webhook-address-private", address="10.0.0.5", kind="private"),
    }
    assert render(why, "en").endswith("address 10.0.0.5 (private) is not a public one")
