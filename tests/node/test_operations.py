"""An operator's actions on a delivery: retry now, give up; and their refusals, concurrency-safe
against a delivery worker's claim (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import timedelta

import pytest

from lienthong._i18n import Message
from lienthong.api import EventType, event_type
from lienthong.node import (
    DeliveryNotActionable,
    DeliveryState,
    Node,
    RetryPolicy,
    deliver_due,
    give_up_delivery,
    retry_now,
    submit,
)
from lienthong.store import EventStore, NodeStore, OutboxEntry
from node.node_network import AT, RECIPIENT, SENDER, Network, document

RAND = random.Random(11)
#: Retries an hour apart: within a test, only "retry now" makes a failed delivery due again.
PATIENT = RetryPolicy(base=timedelta(hours=1), cap=timedelta(hours=1), deadline=timedelta(days=1))


def _entry(network: Network, message_id: str) -> OutboxEntry:
    with NodeStore.begin(network.sender.database, write=False) as store:
        (entry,) = store.outbox(message_id=message_id)
    return entry


def _waiting(network: Network, number: str) -> tuple[OutboxEntry, Node]:
    """A delivery that failed once (its peer down) and waits an hour for its next attempt."""
    node = dataclasses.replace(network.sender, retry=PATIENT)
    submission = submit(node, document(number), at=AT)
    network.transport.down.add("vpcp")
    (outcome,) = deliver_due(node, network.transport, now=AT, rand=RAND)
    assert outcome.state is DeliveryState.QUEUED
    entry = _entry(network, submission.message_id)
    assert entry.attempts == 1 and entry.next_attempt_at >= AT + timedelta(minutes=30)
    return entry, node


def test_retry_now_makes_a_waiting_delivery_due_and_the_worker_delivers_it(network: Network) -> None:
    entry, node = _waiting(network, "1")
    later = AT + timedelta(minutes=1)
    network.transport.down.clear()
    assert deliver_due(node, network.transport, now=later, rand=RAND) == []  # not due yet

    after = retry_now(node, entry.id, now=later)

    assert after.state is DeliveryState.QUEUED and after.next_attempt_at == later
    assert after.attempts == 1 and after.claim_token is None  # the operator's claim counts no attempt
    assert isinstance(after.last_error, Message)  # why it waited is kept until it is delivered
    (outcome,) = deliver_due(node, network.transport, now=later, rand=RAND)
    assert outcome.state is DeliveryState.DELIVERED


def test_give_up_fails_the_delivery_with_the_reason_and_tells_the_senders_software(network: Network) -> None:
    entry, node = _waiting(network, "2")
    later = AT + timedelta(minutes=5)

    after = give_up_delivery(node, entry.id, reason="  Cơ quan nhận   đã đổi địa chỉ ", now=later)

    assert after.state is DeliveryState.FAILED and after.claim_token is None
    assert isinstance(after.last_error, Message) and after.last_error.code == "node-delivery-given-up"
    assert "Cơ quan nhận đã đổi địa chỉ" in after.last_error.render("vi")
    with EventStore.begin(network.sender.database) as events:
        page = events.events(codes={SENDER}, after=0, limit=50)
    failed = [e for e in page.events if event_type(e) is EventType.DELIVERY_FAILED]
    assert len(failed) == 1 and failed[0].party == RECIPIENT and failed[0].at == later
    assert isinstance(failed[0].reason, Message) and failed[0].reason.code == "node-delivery-given-up"
    network.transport.down.clear()
    assert deliver_due(node, network.transport, now=later + timedelta(days=2), rand=RAND) == []


def test_a_failed_delivery_is_queued_again_with_a_fresh_deadline(network: Network) -> None:
    entry, node = _waiting(network, "3")
    give_up_delivery(node, entry.id, reason="thử lại sau", now=AT)
    later = AT + timedelta(minutes=20)

    after = retry_now(node, entry.id, now=later)

    assert after.state is DeliveryState.QUEUED and after.next_attempt_at == later
    assert after.item.deadline == later + PATIENT.deadline
    network.transport.down.clear()
    (outcome,) = deliver_due(node, network.transport, now=later, rand=RAND)
    assert outcome.state is DeliveryState.DELIVERED


def test_final_deliveries_are_refused_both_actions(network: Network) -> None:
    submission = submit(network.sender, document("4"), at=AT)
    deliver_due(network.sender, network.transport, now=AT, rand=RAND)
    entry = _entry(network, submission.message_id)
    assert entry.state is DeliveryState.DELIVERED
    acts: list[Callable[[], OutboxEntry]] = [
        lambda: retry_now(network.sender, entry.id, now=AT),
        lambda: give_up_delivery(network.sender, entry.id, reason="x", now=AT),
    ]
    for act in acts:
        with pytest.raises(DeliveryNotActionable) as refused:
            act()
        assert refused.value.state is DeliveryState.DELIVERED
    assert _entry(network, submission.message_id).state is DeliveryState.DELIVERED


def test_a_delivery_a_worker_holds_is_left_to_it_until_its_lease_ends(network: Network) -> None:
    entry, node = _waiting(network, "5")
    due = entry.next_attempt_at
    with NodeStore.begin(node.database, write=False, claims=True) as store:
        (claimed,) = store.claim_due(limit=5, now=due, lease=PATIENT.lease, token="worker")
    acts: list[Callable[[], OutboxEntry]] = [
        lambda: retry_now(node, entry.id, now=due),
        lambda: give_up_delivery(node, entry.id, reason="x", now=due),
    ]
    for act in acts:
        with pytest.raises(DeliveryNotActionable) as refused:
            act()
        assert refused.value.state is DeliveryState.SENDING
        assert isinstance(refused.value.message, Message)
        assert refused.value.message.code == "node-delivery-being-sent"
    # The worker's claim still settles its outcome: nobody took the row from it.
    with NodeStore.begin(node.database) as store:
        assert store.settle(claimed.id, token="worker", state=DeliveryState.DELIVERED)

    past_lease = _waiting(network, "6")[0]
    with NodeStore.begin(node.database, write=False, claims=True) as store:
        store.claim_due(limit=5, now=past_lease.next_attempt_at, lease=PATIENT.lease, token="dead-worker")
    after = give_up_delivery(node, past_lease.id, reason="x", now=past_lease.next_attempt_at + PATIENT.lease)
    assert after.state is DeliveryState.FAILED
    with NodeStore.begin(node.database) as store:  # the worker that died cannot overwrite it
        assert not store.settle(past_lease.id, token="dead-worker", state=DeliveryState.DELIVERED)


def test_giving_up_needs_a_reason_and_an_existing_delivery(network: Network) -> None:
    entry, node = _waiting(network, "7")
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(DeliveryNotActionable):
            give_up_delivery(node, entry.id, reason=reason, now=AT)
    assert _entry(network, entry.message_id).state is DeliveryState.QUEUED
    with pytest.raises(DeliveryNotActionable) as refused:
        retry_now(node, 9999, now=AT)
    assert refused.value.state is None
