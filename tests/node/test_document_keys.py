"""A document is its sender's: named by (sender, DocumentId), never by the DocumentId alone.

G22 (at vpcp) sends H41 (at nghe-an) a document; G09 (also at nghe-an) sends H41 another one
reusing G22's DocumentId, as real software may (UUIDs, or ids naming another agency). Each is
stored, answered, recalled and shown under its own sender.
"""

from __future__ import annotations

import io
import random
import uuid
import zipfile
from datetime import timedelta

import pytest

from lienthong.edxml import BusinessType, StatusCode
from lienthong.evidence import package_path, read_receipt, verify_bundle
from lienthong.node import (
    Disposition,
    PackageRefused,
    Refusal,
    deliver_due,
    document_trace,
    export_evidence,
    receive,
    submit,
    visible_steps,
)
from lienthong.store import Direction, InboxEntry, NodeStore, PackageKind, StatusEntry
from lienthong.trust import sign_package
from node.node_network import (
    AT,
    HANOI,
    HANOI_UNIT,
    OTHER_SENDER,
    RECIPIENT,
    SENDER,
    SUCCESSOR,
    Network,
    document,
    status,
)

G22 = RECIPIENT  # here the original sender
G09 = OTHER_SENDER
H41 = SENDER
G22_ID = "000.00.00.G22,2026/03/02,7816/VPCP-TTĐT"


def _deliver(network: Network) -> None:
    rand = random.Random(3)
    for _ in range(4):
        done = deliver_due(network.sender, network.transport, now=AT, rand=rand)
        done += deliver_due(network.receiver, network.transport, now=AT, rand=rand)
        if not done:
            return


def _copies(network: Network, document_id: str) -> dict[str, InboxEntry]:
    with NodeStore.begin(network.sender.database, write=False) as store:
        found = store.inbox(document_id=document_id, recipient=H41, kind=PackageKind.DOCUMENT)
    return {e.sender: e for e in found}


def _codes(network: Network, document_id: str, sender: str, *, at_sender: bool = False) -> list[str]:
    node = network.receiver if at_sender else network.sender
    with NodeStore.begin(node.database, write=False) as store:
        return [s.status_code for s in store.timeline(document_id, sender=sender)]


def _same_id_from_two_senders(network: Network) -> None:
    original = submit(network.receiver, document("7816", sender=G22, to=(H41,), document_id=G22_ID), at=AT)
    copy = submit(network.sender, document("9", sender=G09, to=(H41,), document_id=G22_ID), at=AT)
    assert original.document_id == copy.document_id == G22_ID
    assert original.message_id != copy.message_id  # accepted under its own key
    _deliver(network)


def test_a_reused_document_id_is_another_senders_document(network: Network) -> None:
    _same_id_from_two_senders(network)
    copies = _copies(network, G22_ID)
    assert set(copies) == {G22, G09}
    assert copies[G22].package_sha256 != copies[G09].package_sha256  # G22's content untouched
    refused = status(G22_ID, StatusCode.REFUSED, reporter=H41, original_sender=G09)
    submit(network.sender, refused, at=AT)
    submit(network.sender, status(G22_ID, StatusCode.REGISTERED, reporter=H41, original_sender=G22), at=AT)
    _deliver(network)
    assert _codes(network, G22_ID, G22) == ["03"]
    assert _codes(network, G22_ID, G22, at_sender=True) == ["03"]  # G22's node: G09's 02 never came
    assert _codes(network, G22_ID, G09) == ["02"]


def test_a_recall_by_the_reusing_sender_leaves_the_original_alone(network: Network) -> None:
    _same_id_from_two_senders(network)
    submit(
        network.sender, document("10", sender=G09, to=(H41,), acts_on=(G22_ID, BusinessType.RECALL)), at=AT
    )
    _deliver(network)
    copies = _copies(network, G22_ID)
    assert copies[G09].disposition is Disposition.RECALLED
    assert copies[G22].disposition is Disposition.ACTIVE
    with NodeStore.begin(network.sender.database, write=False) as store:
        assert store.links(G22_ID, sender=G22) == []
        assert [link.sender for link in store.links(G22_ID, sender=G09)] == [G09]


def test_a_status_names_its_document_with_its_sender(network: Network) -> None:
    _same_id_from_two_senders(network)
    # H41 never received G22_ID from H42: nothing to answer, whatever the DocumentId.
    with pytest.raises(PackageRefused) as refused:
        submit(
            network.sender,
            status(G22_ID, StatusCode.RECEIVED, reporter=H41, original_sender=SUCCESSOR),
            at=AT,
        )
    assert refused.value.reason is Refusal.UNKNOWN_DOCUMENT
    # A status naming G22's document, delivered to G09's code (which sent one of that id).
    misaddressed = sign_package(
        status(G22_ID, StatusCode.RECEIVED, reporter=H41, original_sender=G22), network.pki.signers[H41]
    )
    raw = receive(network.sender, misaddressed, recipient=G09, peer="nghe-an", at=AT)
    receipt = read_receipt(raw).receipt
    assert not receipt.accepted and receipt.reason_code == Refusal.UNKNOWN_DOCUMENT.value
    assert _codes(network, G22_ID, G09) == [] and _codes(network, G22_ID, G22) == []


def test_opaque_document_ids_work(network: Network) -> None:
    opaque = str(uuid.uuid4())
    sent = submit(network.sender, document("11", sender=G09, to=(G22,), document_id=opaque), at=AT)
    _deliver(network)
    submit(network.receiver, status(opaque, StatusCode.RECEIVED, reporter=G22, original_sender=G09), at=AT)
    _deliver(network)
    assert sent.document_id == opaque
    assert _codes(network, opaque, G09) == ["01"]


def test_evidence_and_trace_of_a_document_are_its_senders(network: Network) -> None:
    _same_id_from_two_senders(network)
    refusal = submit(
        network.sender, status(G22_ID, StatusCode.REFUSED, reporter=H41, original_sender=G09), at=AT
    )
    registered = submit(
        network.sender, status(G22_ID, StatusCode.REGISTERED, reporter=H41, original_sender=G22), at=AT
    )
    _deliver(network)
    copies = _copies(network, G22_ID)
    node = network.sender
    bundle = export_evidence(
        node=node.name, database=node.database, blobs=node.blobs, key=node.key,
        document_id=f"{copies[G22].message_id}-{H41}", at=AT + timedelta(hours=1),
    )  # fmt: skip
    report = verify_bundle(bundle, anchors=[network.pki.pki.root])
    assert report.valid, report.problems
    names = set(zipfile.ZipFile(io.BytesIO(bundle)).namelist())
    assert package_path(copies[G22].package_sha256) in names
    assert package_path(registered.package_sha256) in names
    assert package_path(copies[G09].package_sha256) not in names
    assert package_path(refusal.package_sha256) not in names
    trace = document_trace(
        node=node.name, database=node.database, blobs=node.blobs, name=copies[G09].message_id
    )
    legs = {(leg.sender, leg.direction, tuple(s.code for s in leg.statuses)) for leg in trace.legs}
    assert legs == {(G09, "out", ("02",)), (G09, "in", ("02",))}  # G09 is served here too


def _step(reporter: str, addressee: str, code: str) -> StatusEntry:
    return StatusEntry(G22, "D1", reporter, addressee, code, AT, code * 32, Direction.IN, AT, f"lý do {code}")


def test_a_recipient_is_shown_its_own_steps_and_its_senders_recall_request() -> None:
    """The 13 goes to every recipient at once and is kept once, under the first addressee."""
    timeline = [_step(HANOI, G22, "02"), _step(G22, HANOI, "13"), _step(HANOI_UNIT, G22, "01")]
    assert [s.status_code for s in visible_steps(timeline, HANOI_UNIT)] == ["13", "01"]
    assert [s.status_code for s in visible_steps(timeline, HANOI)] == ["02", "13"]
