"""Trace: the node's own TraceHeader in what it signs, the hop record of each delivery, and a
document's path and timing read back from either node's store."""

from __future__ import annotations

import json
import random
from datetime import UTC, timedelta

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.edxml import DocumentPackage, StatusCode, parse_package
from lienthong.evidence import LogKind
from lienthong.node import (
    DeliveryRequest,
    DeliveryState,
    PackageSource,
    add_trace_header,
    deliver_due,
    document_trace,
    hop_header,
    hop_note,
    submit,
)
from lienthong.store import NodeStore
from lienthong.trust import sign_package, verify_package
from node.node_network import AT, RECIPIENT, SENDER, Network, document, status

RAND = random.Random(6)
_DER = Encoding.DER


def _stored(network: Network, message_id: str) -> bytes:
    with NodeStore.begin(network.sender.database, write=False) as store:
        (entry,) = store.outbox(message_id=message_id)
    return b"".join(network.sender.blobs.read_verified(entry.item.package_sha256))


def test_the_node_adds_its_trace_header_before_signing_and_only_then(network: Network) -> None:
    first = submit(network.sender, document("301"), at=AT + timedelta(minutes=5))
    data = _stored(network, first.message_id)
    package = parse_package(data)
    assert isinstance(package, DocumentPackage)
    # The builder's header (the agency's software), then the node's: the rule serving SENDER.
    assert [(h.organ_id, h.timestamp) for h in package.trace] == [
        (SENDER, AT),
        (SENDER, AT + timedelta(minutes=5)),
    ]
    report = verify_package(data, anchors=network.sender.anchors, at=AT + timedelta(minutes=6))
    assert report.valid, report.problem
    # The same package again, later: stamped with the first acceptance, so the same bytes.
    again = submit(network.sender, document("301"), at=AT + timedelta(hours=1))
    assert again.repeated and again.package_sha256 == first.package_sha256
    # Signed by the agency's own software: nothing added, the signature covers it all.
    signed = sign_package(document("302"), network.pki.signers[SENDER])
    kept = submit(network.sender, signed, at=AT)
    assert _stored(network, kept.message_id) == signed
    # A status package has no trace list: it is signed as it came.
    assert add_trace_header(b"<edXML><nothing/></edXML>", organ_id=SENDER, timestamp=AT) is None


def test_the_hop_record_names_the_node_by_its_certificate_and_ignores_junk(network: Network) -> None:
    peer = network.sender.configuration.node_for(RECIPIENT, at=AT)
    request = DeliveryRequest(peer, RECIPIENT, PackageSource.of_bytes(b"x"), "a" * 64, AT, "nghe-an")
    header = hop_header(request)
    certificate = network.pki.node_keys["nghe-an"].certificate.public_bytes(_DER)
    note = json.loads(hop_note(network.receiver, header, certificate))
    assert note == {
        "hop": 1,
        "from_node": "nghe-an",
        "message_id": "a" * 64,
        "sent_at": AT.astimezone(UTC).isoformat(),
    }
    stranger = network.pki.signers[SENDER].certificate.public_bytes(_DER)  # no node's certificate
    for junk in (None, "", "not json", "[1]", '{"sent_at": "2026-03-02T08:00:00"}', "{" * 600):
        assert json.loads(hop_note(network.receiver, junk, stranger)) == {"hop": 1, "from_node": None}
    batch = json.loads(hop_header(request, request))
    assert "message_id" not in batch and batch["sent_at"] == AT.astimezone(UTC).isoformat()


def test_a_document_trace_from_both_sides(network: Network) -> None:
    sent = submit(network.sender, document("303"), at=AT)
    assert [o.state for o in deliver_due(network.sender, network.transport, now=AT, rand=RAND)] == [
        DeliveryState.DELIVERED
    ]
    submit(
        network.receiver, status(sent.document_id, StatusCode.REGISTERED, at=AT + timedelta(minutes=3)), at=AT
    )
    deliver_due(network.receiver, network.transport, now=AT, rand=RAND)
    out = document_trace(
        node="nghe-an", database=network.sender.database, blobs=network.sender.blobs, name=sent.message_id
    )
    assert out.document_id == sent.document_id and len(out.package_trace) == 1  # one hop: no twin
    (leg,) = out.legs
    assert (leg.direction, leg.sender, leg.recipient, leg.state) == ("out", SENDER, RECIPIENT, "delivered")
    assert leg.accepted_at == AT and leg.sent_at == AT and leg.received_at == AT
    assert (leg.from_node, leg.to_node) == ("nghe-an", "vpcp") and leg.receipt
    assert [(s.code, s.reporter) for s in leg.statuses] == [("03", RECIPIENT)]
    assert [e.record.kind for e in out.log] == [
        LogKind.PACKAGE_OUT, LogKind.RECEIPT_IN, LogKind.PACKAGE_IN, LogKind.RECEIPT_OUT,
    ]  # fmt: skip
    back = document_trace(
        node="vpcp", database=network.receiver.database, blobs=network.receiver.blobs, name=sent.document_id
    )
    (leg,) = back.legs
    assert (leg.direction, leg.to_node, leg.received_at, leg.state) == ("in", "vpcp", AT, "active")
    assert back.package_trace == out.package_trace
    text = "\n".join(back.lines())
    assert sent.document_id in text and "03 " in text
    json.dumps(out.to_dict())  # all of it serialisable


def test_a_package_composed_for_the_same_rule_and_second_gets_no_second_identical_header(
    network: Network,
) -> None:
    # What a node's own compose builds: the software's header is already this rule at this second.
    accepted = submit(network.sender, document("303"), at=AT)
    package = parse_package(_stored(network, accepted.message_id))
    assert isinstance(package, DocumentPackage)
    assert [(h.organ_id, h.timestamp) for h in package.trace] == [(SENDER, AT)]
