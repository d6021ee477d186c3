"""The protocol core over a real PKI and a real signed configuration, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import pytest

from lienthong._i18n import Message
from lienthong.edxml import BusinessType, DocumentPackage, StatusCode, parse_package, write_package
from lienthong.evidence import read_receipt
from lienthong.node import (
    DeliveryState,
    Disposition,
    PackageRefused,
    Refusal,
    RetryPolicy,
    deliver_due,
    message_id_of,
    receive,
    submit,
)
from lienthong.store import NodeStore
from lienthong.trust import sign_package
from node.node_network import (
    AT,
    CLOSED,
    RECIPIENT,
    SENDER,
    SUCCESSOR,
    UNSERVED,
    Network,
    document,
    status,
)

RAND = random.Random(7)


def _deliver(network: Network, *, now: object = AT) -> list[DeliveryState]:
    outcomes = deliver_due(network.sender, network.transport, now=AT, rand=RAND)
    return [o.state for o in outcomes]


def test_one_to_one_delivery_with_signed_receipt(network: Network) -> None:
    submission = submit(network.sender, document("1"), at=AT)
    assert [e.state for e in submission.entries] == [DeliveryState.QUEUED]
    assert _deliver(network) == [DeliveryState.DELIVERED]
    with NodeStore.begin(network.receiver.database, write=False) as store:
        (inbox,) = store.inbox(recipient=RECIPIENT)
    assert inbox.document_id == submission.document_id and inbox.sender == SENDER
    with NodeStore.begin(network.sender.database, write=False) as store:
        (entry,) = store.outbox(message_id=submission.message_id)
        (receipt,) = store.receipts(message_ids=[submission.message_id])
    assert entry.state is DeliveryState.DELIVERED and entry.receipt_sha256 == receipt.sha256
    signed = read_receipt(receipt.raw)
    assert signed.receipt.accepted and signed.receipt.node == "vpcp"
    assert signed.statement.chain_problem(network.sender.anchors, at=AT) is None
    assert _deliver(network) == []  # nothing left to do


def test_same_message_twice_is_stored_once_and_receipted_twice(network: Network) -> None:
    signed = sign_package(document("2"), network.pki.signers[SENDER])
    first = read_receipt(
        receive(network.receiver, signed, recipient=RECIPIENT, peer="nghe-an", at=AT)
    ).receipt
    second = read_receipt(
        receive(network.receiver, signed, recipient=RECIPIENT, peer="nghe-an", at=AT)
    ).receipt
    assert first.accepted and second.accepted
    assert not first.duplicate and second.duplicate
    with NodeStore.begin(network.receiver.database, write=False) as store:
        assert len(store.inbox(recipient=RECIPIENT)) == 1
        assert len(store.receipts(message_ids=[first.message_id])) == 2


def _refusal(
    network: Network, data: bytes, recipient: str = RECIPIENT, *, peer: str = "nghe-an"
) -> tuple[str | None, Message]:
    """The refusal's code and its reason, which the receipt signs as a code and parameters."""
    receipt = read_receipt(receive(network.receiver, data, recipient=recipient, peer=peer, at=AT)).receipt
    assert not receipt.accepted
    assert receipt.reason is None and receipt.reason_message is not None  # no sentence is signed
    with NodeStore.begin(network.receiver.database, write=False) as store:
        assert store.inbox() == []  # nothing stored that should not be
    return receipt.reason_code, receipt.reason_message


def test_package_signed_by_another_agency_than_from_is_refused(network: Network) -> None:
    forged = sign_package(document("3"), network.pki.signers[RECIPIENT])  # G22's key, From H41
    code, reason = _refusal(network, forged)
    assert code == Refusal.SIGNER_NOT_SENDER.value and reason


def test_package_from_another_root_is_refused(network: Network) -> None:
    code, _ = _refusal(network, sign_package(document("4"), network.pki.foreign_signer))
    assert code == Refusal.SIGNATURE.value


def test_a_package_delivered_by_another_node_than_its_senders_is_refused(network: Network) -> None:
    """Validly signed by H41 (served by nghe-an), delivered by vpcp's own connection."""
    signed = sign_package(document("5"), network.pki.signers[SENDER])
    code, reason = _refusal(network, signed, peer="vpcp")
    assert code == Refusal.PEER_NOT_SENDER_NODE.value
    assert reason.code == "node-peer-not-sender-node"
    assert (reason.params["peer"], reason.params["sender"], reason.params["serving"]) == (
        "vpcp",
        SENDER,
        "nghe-an",
    )
    assert reason.render("en") == f"node vpcp does not serve the sender {SENDER} (served by nghe-an)"
    assert reason.render("vi") == f"điểm kết nối vpcp không phục vụ mã gửi {SENDER} (do nghe-an phục vụ)"
    assert _refusal(network, signed, peer="no-such-node")[0] == Refusal.PEER_NOT_SENDER_NODE.value


def test_to_not_served_here_is_refused(network: Network) -> None:
    signed = sign_package(document("5", to=(SENDER,)), network.pki.signers[SENDER])
    assert _refusal(network, signed, recipient=SENDER)[0] == Refusal.NOT_SERVED_HERE.value
    assert _refusal(network, signed, recipient=RECIPIENT)[0] == Refusal.NOT_ADDRESSED.value


def test_malformed_and_oversize_packages_are_refused(network: Network) -> None:
    assert _refusal(network, b"<edXML><broken")[0] == Refusal.MALFORMED.value
    assert _refusal(network, b"x" * (network.receiver.limits.max_package_bytes + 1))[0] == (
        Refusal.TOO_LARGE.value
    )


def test_status_for_unknown_document_is_refused(network: Network) -> None:
    signed = sign_package(
        status("000.00.00.H41,2026/03/02,999/UBND-VP", StatusCode.REGISTERED), network.pki.signers[RECIPIENT]
    )
    # The receiving end is the original sender's node, which never sent that document.
    receipt = read_receipt(receive(network.sender, signed, recipient=SENDER, peer="vpcp", at=AT)).receipt
    assert not receipt.accepted and receipt.reason_code == Refusal.UNKNOWN_DOCUMENT.value
    with pytest.raises(PackageRefused) as refused:
        submit(network.receiver, status("nope", StatusCode.REGISTERED), at=AT)
    assert refused.value.reason is Refusal.UNKNOWN_DOCUMENT


def test_status_round_trip_is_a_timeline_and_repeats_are_idempotent(network: Network) -> None:
    document_id = submit(network.sender, document("6"), at=AT).document_id
    assert _deliver(network) == [DeliveryState.DELIVERED]
    back = InMemoryBack(network)
    for code, minutes in ((StatusCode.RECEIVED, 1), (StatusCode.REGISTERED, 2), (StatusCode.REGISTERED, 2)):
        submit(network.receiver, status(document_id, code, at=AT + timedelta(minutes=minutes)), at=AT)
    assert back.deliver() == [DeliveryState.DELIVERED, DeliveryState.DELIVERED]  # the repeat was one message
    with NodeStore.begin(network.sender.database, write=False) as store:
        timeline = store.timeline(document_id, sender=SENDER)
    assert [(s.reporter, s.status_code) for s in timeline] == [(RECIPIENT, "01"), (RECIPIENT, "03")]


class InMemoryBack:
    """Delivery from the receiver's node back to the sender's."""

    def __init__(self, network: Network) -> None:
        self.network = network

    def deliver(self) -> list[DeliveryState]:
        outcomes = deliver_due(self.network.receiver, self.network.transport, now=AT, rand=RAND)
        return [o.state for o in outcomes]


def test_recall_is_applied_on_the_recipients_side(network: Network) -> None:
    original = submit(network.sender, document("7"), at=AT).document_id
    recall = submit(network.sender, document("8", acts_on=(original, BusinessType.RECALL)), at=AT).document_id
    assert _deliver(network) == [DeliveryState.DELIVERED, DeliveryState.DELIVERED]
    with NodeStore.begin(network.receiver.database, write=False) as store:
        (earlier,) = store.inbox(document_id=original)
        (link,) = store.links(original, sender=SENDER)
    assert earlier.disposition is Disposition.RECALLED and earlier.superseded_by == recall
    assert link.later_document_id == recall and link.applied and link.business_type == 1


def test_closed_code_goes_to_its_successor_or_fails(network: Network) -> None:
    submission = submit(network.sender, document("9", to=(CLOSED,)), at=AT)
    (entry,) = submission.entries
    assert entry.item.deliver_to == SUCCESSOR and entry.item.redirected_from == CLOSED
    assert _deliver(network) == [DeliveryState.DELIVERED]
    with NodeStore.begin(network.receiver.database, write=False) as store:
        assert [e.recipient for e in store.inbox()] == [SUCCESSOR]
    with pytest.raises(PackageRefused) as refused:
        submit(network.sender, document("10", to=(UNSERVED,)), at=AT)
    assert refused.value.reason is Refusal.RECIPIENT_UNKNOWN


def test_unreachable_peer_is_retried_with_backoff_then_failed(network: Network) -> None:
    impatient = dataclasses.replace(network.sender, retry=RetryPolicy(deadline=timedelta(hours=1)))
    submission = submit(impatient, document("11"), at=AT)
    network.transport.down.add("vpcp")
    now = AT
    states = []
    for _ in range(40):  # bounded: 5 s doubling to 30 min reaches one hour in under 12 tries
        outcomes = deliver_due(impatient, network.transport, now=now, rand=RAND)
        states += [o.state for o in outcomes]
        if states and states[-1] is DeliveryState.FAILED:
            break
        with NodeStore.begin(network.sender.database, write=False) as store:
            (entry,) = store.outbox(message_id=submission.message_id)
        now = max(now, entry.next_attempt_at)
    assert states[-1] is DeliveryState.FAILED and set(states[:-1]) == {DeliveryState.QUEUED}
    with NodeStore.begin(network.sender.database, write=False) as store:
        (entry,) = store.outbox(message_id=submission.message_id)
    assert entry.state is DeliveryState.FAILED and isinstance(entry.last_error, Message)
    assert entry.last_error.code == "node-delivery-deadline-passed" and "vpcp" in entry.last_error.render(
        "en"
    )


def test_resubmitting_is_idempotent_and_conflicts_are_refused(network: Network) -> None:
    first = submit(network.sender, document("12"), at=AT)
    again = submit(network.sender, document("12"), at=AT)
    assert again.repeated and again.message_id == first.message_id
    assert message_id_of(parse_package(document("12"))) == first.message_id
    with pytest.raises(PackageRefused) as refused:
        submit(network.sender, document("12", to=(SUCCESSOR,)), at=AT)
    assert refused.value.reason is Refusal.MESSAGE_CONFLICT


def test_a_peer_package_with_a_field_over_its_length_is_refused_naming_it(network: Network) -> None:
    package = parse_package(document("6"))
    assert isinstance(package, DocumentPackage)
    header = dataclasses.replace(package.header, subject="V" * 2_000_000)
    long = write_package(dataclasses.replace(package, header=header))
    code, reason = _refusal(network, sign_package(long, network.pki.signers[SENDER]))
    assert code == Refusal.FIELD_TOO_LONG.value == "field-too-long"
    assert "Subject" in reason.render("en") and "500" in reason.render("en")
