"""Recall by status: the sender's 13 marks the recipient's copy, 15 recalls it on both sides,
16 leaves it and records the refusal; answers to no recall are refused both ways."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from lienthong.edxml import StatusCode
from lienthong.evidence import read_receipt
from lienthong.node import (
    DeliveryState,
    Disposition,
    PackageRefused,
    RecallState,
    Refusal,
    deliver_due,
    recall_states,
    receive,
    submit,
)
from lienthong.store import InboxEntry, NodeStore, PackageKind
from lienthong.trust import sign_package
from node.node_network import AT, RECIPIENT, SENDER, Network, document, status

RAND = random.Random(13)


def _flow(network: Network) -> None:
    """Deliver what is due both ways, until nothing is."""
    for _ in range(4):  # bounded: a round trip needs two passes
        moved = deliver_due(network.sender, network.transport, now=AT, rand=RAND)
        moved += deliver_due(network.receiver, network.transport, now=AT, rand=RAND)
        assert all(o.state is DeliveryState.DELIVERED for o in moved), moved
        if not moved:
            return


def _copy(network: Network, document_id: str) -> InboxEntry:
    with NodeStore.begin(network.receiver.database, write=False) as store:
        (entry,) = store.inbox(document_id=document_id, recipient=RECIPIENT, kind=PackageKind.DOCUMENT)
    return entry


def _states(network: Network, document_id: str) -> dict[str, RecallState]:
    with NodeStore.begin(network.sender.database, write=False) as store:
        timeline = store.timeline(document_id, sender=SENDER)
    return recall_states(timeline, sender=SENDER, recipients=(RECIPIENT,))


def _sent_and_recalled(network: Network, number: str) -> str:
    document_id = submit(network.sender, document(number), at=AT).document_id
    _flow(network)
    ask = status(document_id, StatusCode.RECALL_REQUESTED, reporter=SENDER, at=AT + timedelta(minutes=1))
    submit(network.sender, ask, at=AT)
    _flow(network)
    return document_id


def _answer(network: Network, document_id: str, code: StatusCode, minutes: int = 2) -> None:
    submit(network.receiver, status(document_id, code, at=AT + timedelta(minutes=minutes)), at=AT)


def test_a_received_13_marks_the_copy_and_15_recalls_it_on_both_sides(network: Network) -> None:
    document_id = _sent_and_recalled(network, "201")
    assert _copy(network, document_id).disposition is Disposition.RECALL_REQUESTED
    assert _states(network, document_id) == {RECIPIENT: RecallState.REQUESTED}
    _answer(network, document_id, StatusCode.RECALL_ACCEPTED)
    assert _copy(network, document_id).disposition is Disposition.RECALLED  # at once, on its side
    _flow(network)
    assert _states(network, document_id) == {RECIPIENT: RecallState.ACCEPTED}
    with pytest.raises(PackageRefused) as refused:  # a recall is answered once
        _answer(network, document_id, StatusCode.RECALL_REFUSED, minutes=3)
    assert refused.value.reason is Refusal.OUT_OF_ORDER


def test_16_leaves_the_copy_and_records_the_refusal(network: Network) -> None:
    document_id = _sent_and_recalled(network, "202")
    submit(
        network.receiver,
        status(document_id, StatusCode.RECALL_REFUSED, at=AT + timedelta(minutes=2)),
        at=AT,
    )
    assert _copy(network, document_id).disposition is Disposition.ACTIVE
    _flow(network)
    assert _states(network, document_id) == {RECIPIENT: RecallState.REFUSED}
    with NodeStore.begin(network.sender.database, write=False) as store:
        (refusal,) = [s for s in store.timeline(document_id, sender=SENDER) if s.status_code == "16"]
    assert refusal.reporter == RECIPIENT and refusal.description  # the reason travelled


def test_an_answer_to_no_recall_is_refused_on_the_way_out_and_in(network: Network) -> None:
    document_id = submit(network.sender, document("203"), at=AT).document_id
    _flow(network)
    with pytest.raises(PackageRefused) as refused:
        _answer(network, document_id, StatusCode.RECALL_ACCEPTED)
    assert refused.value.reason is Refusal.OUT_OF_ORDER
    assert _copy(network, document_id).disposition is Disposition.ACTIVE
    # Signed by the recipient and pushed straight at the sender's node: refused there too.
    forged = sign_package(
        status(document_id, StatusCode.RECALL_ACCEPTED, at=AT + timedelta(minutes=2)),
        network.pki.signers[RECIPIENT],
    )
    receipt = read_receipt(receive(network.sender, forged, recipient=SENDER, peer="vpcp", at=AT)).receipt
    assert not receipt.accepted and receipt.reason_code == Refusal.OUT_OF_ORDER.value
    assert _states(network, document_id) == {}
    with NodeStore.begin(network.sender.database, write=False) as store:
        assert store.timeline(document_id, sender=SENDER) == []
