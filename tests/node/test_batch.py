"""Several packages in one peer request: each checked, stored once and answered on its own.

In process (``InMemoryTransport``, SQLite and PostgreSQL): ``deliver_due`` with ``per_request``
groups small packages for one peer; ``receive_many`` stores them in one transaction and refuses
a bad one with its own negative receipt. Over real mutual TLS (``lienthong node serve``
processes): the batch route, its bounds and the peers it refuses.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from lienthong._i18n import Message, msg
from lienthong.demo import wait_for
from lienthong.edxml import BusinessType, parse_package
from lienthong.evidence import LogKind, read_receipt, verify_bundle
from lienthong.net import client_context
from lienthong.node import (
    DeliveryRequest,
    DeliveryState,
    InMemoryTransport,
    NodeRuntime,
    Refusal,
    deliver_due,
    export_evidence,
    submit,
)
from lienthong.node._receive import receive_many
from lienthong.node._wire import (
    BATCH_PATH,
    BATCH_TYPE,
    MAX_BATCH_BYTES,
    MAX_BATCH_PACKAGES,
    RECEIPTS_TYPE,
    WireMalformed,
    decode_frames,
    decode_receipts,
    encode_frames,
)
from lienthong.store import Disposition, NodeStore
from lienthong.trust import sign_package
from node.e2e_network import E2ENetwork, e2e_network
from node.node_network import AT, RECIPIENT, SENDER, SUCCESSOR, UNSERVED, Network, document

RAND = random.Random(11)


def _signed(network: Network, number: str) -> bytes:
    return sign_package(document(number), network.pki.signers[SENDER])


def test_deliver_due_sends_small_packages_together_each_with_its_receipt(network: Network) -> None:
    submissions = [submit(network.sender, document(f"B{n}"), at=AT) for n in range(7)]
    outcomes = deliver_due(network.sender, network.transport, now=AT, rand=RAND, per_request=3)
    assert [o.state for o in outcomes] == [DeliveryState.DELIVERED] * 7
    ids = [s.message_id for s in submissions]
    with NodeStore.begin(network.sender.database, write=False) as store:
        receipts = store.receipts(message_ids=ids)
    assert sorted(r.message_id for r in receipts) == sorted(ids)  # one receipt each
    for entry in receipts:
        signed = read_receipt(entry.raw)
        assert signed.receipt.accepted and signed.receipt.node == "vpcp"
        assert signed.statement.chain_problem(network.sender.anchors, at=AT) is None
    # One signature a request (3 + 3 + 1): each receipt of a batch proves itself by its Merkle path.
    statements = {read_receipt(entry.raw).statement.raw for entry in receipts}
    assert len(statements) == 3
    assert sum(entry.raw.startswith(b"LTRCPT/1\n") for entry in receipts) == 6
    with NodeStore.begin(network.receiver.database, write=False) as store:
        inbox = store.inbox(recipient=RECIPIENT)
        kinds = [(e.record.kind, e.record.message_id) for e in store.log_entries()]
    assert sorted(e.message_id for e in inbox) == sorted(ids)
    # Each package's entries in the receiver's chained log: received, then receipted.
    expected = [(kind, m) for m in ids for kind in (LogKind.PACKAGE_IN, LogKind.RECEIPT_OUT)]
    assert sorted(kinds, key=lambda k: ids.index(k[1])) == expected
    for node in (network.receiver, network.sender):  # the receipt as issued and as received
        bundle = export_evidence(
            node=node.name,
            database=node.database,
            blobs=node.blobs,
            key=node.key,
            document_id=submissions[4].document_id,
            at=AT,
        )
        report = verify_bundle(bundle, anchors=node.anchors)
        assert report.valid, (node.name, report.problems)
        assert {LogKind.RECEIPT_IN, LogKind.RECEIPT_OUT} & {r.kind for r in report.records}


def test_a_bad_package_in_a_batch_is_refused_alone(network: Network) -> None:
    good = _signed(network, "C1")
    forged = sign_package(document("C2"), network.pki.signers[RECIPIENT])  # G22's key, From H41
    # The same message (sender, DocumentId) with other content.
    conflicting = sign_package(document("C1", to=(RECIPIENT, SUCCESSOR)), network.pki.signers[SENDER])
    receipts = receive_many(
        network.receiver,
        [
            (RECIPIENT, good),
            (RECIPIENT, forged),
            (RECIPIENT, b"<edXML><broken"),
            (UNSERVED, _signed(network, "C3")),
            (RECIPIENT, good),  # the same message again in the same batch
            (RECIPIENT, conflicting),
        ],
        peer="nghe-an",
        at=AT,
    )
    got = [read_receipt(raw).receipt for raw in receipts]
    assert [r.accepted for r in got] == [True, False, False, False, True, False]
    assert [r.reason_code for r in got[1:4]] == [
        Refusal.SIGNER_NOT_SENDER.value,
        Refusal.MALFORMED.value,
        Refusal.NOT_SERVED_HERE.value,
    ]
    assert not got[0].duplicate and got[4].duplicate
    assert got[5].reason_code == Refusal.MESSAGE_CONFLICT.value
    refused = [r for r in got if not r.accepted]  # each refusal signed as a code, never a sentence
    assert all(r.reason is None and isinstance(r.reason_message, Message) for r in refused)
    assert got[5].reason_message == msg("node-message-received-differently", document=got[5].document_id)
    with NodeStore.begin(network.receiver.database, write=False) as store:
        assert [e.document_id for e in store.inbox()] == [got[0].document_id]
        entries = store.log_entries()
    assert [e.record.kind for e in entries].count(LogKind.RECEIPT_OUT) == 6
    for previous, entry in itertools.pairwise(entries):  # the chain is unbroken
        assert entry.prev_hash == previous.entry_hash


def test_a_batch_that_updates_a_document_it_carries_marks_it(network: Network) -> None:
    # Inbox rows of a request are written together, deferred: an update in the same request
    # as the document it updates must still find it.
    original = parse_package(document("E1")).document_id
    update = _signed_of(network, document("E3", acts_on=(original, BusinessType.UPDATE)))
    plain = _signed(network, "E2")
    deliveries = [
        (RECIPIENT, _signed(network, "E1")),
        (RECIPIENT, plain),
        (RECIPIENT, update),
        (RECIPIENT, plain),
    ]
    got = [
        read_receipt(raw).receipt for raw in receive_many(network.receiver, deliveries, peer="nghe-an", at=AT)
    ]
    assert [(r.accepted, r.duplicate) for r in got] == [(True, False)] * 3 + [(True, True)]
    with NodeStore.begin(network.receiver.database, write=False) as store:
        inbox = {e.document_id: e for e in store.inbox()}
        (link,) = store.links(original, sender=SENDER)
        kinds = [e.record.kind for e in store.log_entries()]
    assert len(inbox) == 3, "a package stored twice, or one lost"
    assert inbox[original].disposition is Disposition.UPDATED, "the update did not find its document"
    assert inbox[original].superseded_by == got[2].document_id and link.applied
    assert kinds == [LogKind.PACKAGE_IN] * 3 + [LogKind.RECEIPT_OUT] * 4  # packages, then receipts


def _signed_of(network: Network, package: bytes) -> bytes:
    return sign_package(package, network.pki.signers[SENDER])


class _StealingTransport(InMemoryTransport):
    """Delivers, then lets another worker claim one of the rows (its lease treated as ended)."""

    def __init__(self, network: Network) -> None:
        super().__init__({"vpcp": network.receiver})
        self.network = network
        self.stolen: list[int] = []

    def deliver_many(self, requests: Sequence[DeliveryRequest]) -> list[bytes]:
        raws = super().deliver_many(requests)
        later = AT + self.network.sender.retry.lease
        with NodeStore.begin(self.network.sender.database, write=False, claims=True) as store:
            taken = store.claim_due(limit=1, now=later, lease=timedelta(minutes=5), token="other")
        self.stolen.extend(e.id for e in taken)
        return raws


def test_a_row_whose_claim_expired_in_a_batch_records_nothing(network: Network) -> None:
    for n in range(4):
        submit(network.sender, document(f"F{n}"), at=AT)
    transport = _StealingTransport(network)
    outcomes = deliver_due(network.sender, transport, now=AT, rand=RAND, per_request=4)
    (stolen,) = transport.stolen
    states = {o.entry.id: (o.state, o.reason) for o in outcomes}
    assert states.pop(stolen) == (DeliveryState.SENDING, msg("node-delivery-claim-expired"))
    assert [state for state, _ in states.values()] == [DeliveryState.DELIVERED] * 3
    with NodeStore.begin(network.sender.database, write=False) as store:
        rows = {e.id: e for e in store.outbox()}
        receipts = store.receipts(message_ids=[e.message_id for e in rows.values()])
        logged = [e.record.message_id for e in store.log_entries() if e.record.kind is LogKind.RECEIPT_IN]
    assert rows[stolen].state is DeliveryState.SENDING and rows[stolen].claim_token == "other"
    assert rows[stolen].receipt_sha256 is None, "an expired claim settled its row"
    assert rows[stolen].message_id not in {r.message_id for r in receipts} | set(logged)
    delivered = [e for i, e in rows.items() if i != stolen]
    assert all(e.state is DeliveryState.DELIVERED and e.receipt_sha256 for e in delivered)
    assert sorted(logged) == sorted(e.message_id for e in delivered)


def test_a_batch_of_one_peer_down_is_retried(network: Network) -> None:
    for n in range(3):
        submit(network.sender, document(f"D{n}"), at=AT)
    network.transport.down.add("vpcp")
    outcomes = deliver_due(network.sender, network.transport, now=AT, rand=RAND, per_request=8)
    assert [o.state for o in outcomes] == [DeliveryState.QUEUED] * 3
    network.transport.down.clear()
    later = AT + timedelta(hours=1)
    outcomes = deliver_due(network.sender, network.transport, now=later, rand=RAND, per_request=8)
    assert [o.state for o in outcomes] == [DeliveryState.DELIVERED] * 3


def test_the_framing_round_trips_and_refuses_what_is_not_framed() -> None:
    frames = [(RECIPIENT, b"<edXML/>"), (SENDER, b""), ("receipt", b"x\ny z")]
    assert decode_frames(encode_frames(frames)) == frames
    body = encode_frames(frames)
    for broken in (body[:-1], b"12\n" + body, b"-1 code\n", b"3 two words\nabc", b"9" * 200):
        with pytest.raises(WireMalformed):
            decode_frames(broken)
    with pytest.raises(WireMalformed):
        decode_frames(encode_frames([(RECIPIENT, b"a")] * 3), max_frames=2)
    with pytest.raises(WireMalformed):
        decode_receipts(encode_frames([("receipt", b"a")]), expected=2)
    with pytest.raises(WireMalformed):
        encode_frames([("two words", b"")])


# -- over real mutual TLS ---------------------------------------------------------------


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2ENetwork]:
    yield from e2e_network("sqlite", tmp_path_factory.mktemp("batch"))


def _client(net: E2ENetwork, name: str = "nghe-an") -> httpx.Client:
    fullchain, key, anchors = net.client_files(name)
    return httpx.Client(verify=client_context(anchors=anchors, certificate=fullchain, key=key), timeout=60)


def _post(net: E2ENetwork, body: bytes, client: httpx.Client | None = None) -> httpx.Response:
    if client is None:
        with _client(net) as own:
            return _post(net, body, own)
    return client.post(net.nodes["vpcp"].url + BATCH_PATH, content=body, headers={"Content-Type": BATCH_TYPE})


def test_serving_nodes_deliver_a_burst_in_batches_once_each(net: E2ENetwork) -> None:
    with NodeRuntime(net.homes["nghe-an"]) as runtime:
        ids = [submit(runtime.node(), document(f"E{n}"), at=datetime.now(UTC)).message_id for n in range(40)]

    def delivered() -> bool:
        with NodeStore.begin(net.database("nghe-an"), write=False) as store:
            return all(e.state is DeliveryState.DELIVERED for m in ids for e in store.outbox(message_id=m))

    assert wait_for(delivered, timeout=120)
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        received = [e for e in store.inbox() if e.message_id in ids]
    assert sorted(e.message_id for e in received) == sorted(ids)


def test_the_batch_route_answers_each_package(net: E2ENetwork) -> None:
    good = sign_package(document("F1"), net.signer(SENDER))
    forged = sign_package(document("F2"), net.signer(RECIPIENT))
    oversize = b"<" * 2_000_001  # over the node's package limit, within the batch bound
    response = _post(net, encode_frames([(RECIPIENT, good), (RECIPIENT, forged), (RECIPIENT, oversize)]))
    assert response.status_code == 200 and response.headers["content-type"].startswith(RECEIPTS_TYPE)
    got = [read_receipt(raw).receipt for raw in decode_receipts(response.content, expected=3)]
    assert [r.accepted for r in got] == [True, False, False]
    assert [r.reason_code for r in got[1:]] == [Refusal.SIGNER_NOT_SENDER.value, Refusal.TOO_LARGE.value]
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        stored = [e.message_id for e in store.inbox()]
    assert stored.count(got[0].message_id) == 1 and got[1].message_id not in stored


def test_requests_that_are_no_batch_get_a_4xx_problem(net: E2ENetwork) -> None:
    with _client(net) as client:
        malformed = _post(net, b"12 " + RECIPIENT.encode() + b"\nshort", client)
        assert malformed.status_code == 400 and malformed.json()["code"] == "batch-malformed"
        empty = _post(net, b"", client)
        assert empty.status_code == 400 and empty.json()["code"] == "batch-empty"
        many = encode_frames([(RECIPIENT, b"<x/>")] * (MAX_BATCH_PACKAGES + 1))
        assert _post(net, many, client).json()["code"] == "batch-malformed"
        huge = encode_frames([(RECIPIENT, b"<" * (MAX_BATCH_BYTES // 2))] * 3)
        assert _post(net, huge, client).status_code == 413


def test_a_certificate_of_the_network_that_is_no_node_is_refused(net: E2ENetwork, tmp_path: Path) -> None:
    _, _, anchors = net.client_files("nghe-an")
    stranger = net.pki.issue_node(f"stranger-{tmp_path.name}", at=datetime.now(UTC) - timedelta(days=1))
    chain = tmp_path / "stranger.pem"
    chain.write_bytes(stranger.cert_path.read_bytes() + net.pki.issuing_path.read_bytes())
    context = client_context(anchors=anchors, certificate=chain, key=stranger.key_path)
    body = encode_frames([(RECIPIENT, sign_package(document("G1"), net.signer(SENDER)))])
    with httpx.Client(verify=context, timeout=60) as stranger_client:
        response = _post(net, body, stranger_client)
    assert response.status_code == 403 and response.json()["code"] == "peer-unknown"


def test_a_node_batching_another_nodes_packages_is_refused_each(net: E2ENetwork) -> None:
    """bo-nganh's TLS certificate, packages validly signed by H41 (served by nghe-an)."""
    forwarded = sign_package(document("G2"), net.signer(SENDER))
    with _client(net, "bo-nganh") as client:
        response = _post(net, encode_frames([(RECIPIENT, forwarded)]), client)
    (raw,) = decode_receipts(response.content, expected=1)
    receipt = read_receipt(raw).receipt
    assert not receipt.accepted and receipt.reason_code == Refusal.PEER_NOT_SENDER_NODE.value
    why = receipt.reason_message
    assert receipt.reason is None and why is not None and why.code == "node-peer-not-sender-node"
    assert (why.params["peer"], why.params["sender"]) == ("bo-nganh", SENDER)
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        assert receipt.message_id not in [e.message_id for e in store.inbox()]
