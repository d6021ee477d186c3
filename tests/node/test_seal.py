"""A node's seal: receipts and log heads signed by a key apart from its TLS key, bound to the
node by its entry in the directory's configuration (``NodeEntry.seal_certificate_pem``); one
seal key in a SoftHSM token (``support.softhsm``)."""

from __future__ import annotations

import dataclasses
import io
import random
import zipfile
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import Message
from lienthong.directory import (
    DirectorySnapshot,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.errors import LienthongError
from lienthong.evidence import read_receipt, verify_bundle
from lienthong.node import DeliveryState, InMemoryTransport, Node, deliver_due, export_evidence, submit
from lienthong.store import NodeStore
from lienthong.trust import KeySigner, Signer, load_signer
from node.node_network import AT, Network, document
from support.pki import PKI_START, GeneratedPki, issue_for_key
from support.softhsm import Token

RAND = random.Random(17)


def seal_of(test_pki: GeneratedPki, name: str) -> KeySigner:
    """A seal certificate for ``name`` from the network's issuing CA (issued once a session)."""
    pki = test_pki.pki
    try:
        issued = pki.issued(name)
    except LienthongError:
        issued = pki.issue_node(name, at=PKI_START)
    return KeySigner.load(issued.key_path, issued.cert_path, [pki.issuing_path])


def _pem(signer: Signer) -> str:
    return signer.certificate.public_bytes(Encoding.PEM).decode("ascii")


def sealed(network: Network, seal: Signer, *, bound: Signer | None) -> Network:
    """``network`` where vpcp seals with ``seal`` and the configuration binds ``bound`` to it
    as its seal certificate (None: binds none)."""
    content = network.sender.configuration.content
    nodes = tuple(
        dataclasses.replace(n, seal_certificate_pem=_pem(bound) if bound else None) if n.name == "vpcp" else n
        for n in content.nodes
    )
    snapshot = DirectorySnapshot(
        version=2, agencies=content.agencies, nodes=nodes, bindings=content.bindings, anchors=content.anchors
    )
    key = generate_directory_key("seal directory", not_before=AT - timedelta(days=30))
    data = build_configuration(snapshot, key, directory="test", issued_at=AT - timedelta(hours=1))
    configuration = verify_configuration(data, key.anchor(directory="test"), at=AT)
    sender = dataclasses.replace(network.sender, configuration=configuration)
    receiver = dataclasses.replace(network.receiver, configuration=configuration, key=seal)
    transport = InMemoryTransport({"nghe-an": sender, "vpcp": receiver})
    return Network(sender, receiver, transport, network.pki)


def _deliver(network: Network) -> list[DeliveryState]:
    return [o.state for o in deliver_due(network.sender, network.transport, now=AT, rand=RAND)]


def _bundle(node: Node, document_id: str) -> bytes:
    return export_evidence(
        node=node.name, database=node.database, blobs=node.blobs, key=node.key, document_id=document_id, at=AT
    )


def test_receipts_sealed_by_a_bound_seal_key_are_accepted(network: Network) -> None:
    seal = seal_of(network.pki, "vpcp-seal")
    net = sealed(network, seal, bound=seal)
    submission = submit(net.sender, document("s1"), at=AT)
    assert _deliver(net) == [DeliveryState.DELIVERED]
    with NodeStore.begin(net.sender.database, write=False) as store:
        (receipt,) = store.receipts(message_ids=[submission.message_id])
    signed = read_receipt(receipt.raw)
    assert signed.statement.signer == seal.certificate  # the seal signed, not the TLS key
    assert signed.statement.signer != network.receiver.key.certificate
    # Both sides' bundles verify offline with the anchors alone: the receiver's head is sealed too.
    for node in (net.sender, net.receiver):
        report = verify_bundle(_bundle(node, submission.document_id), anchors=net.pki.anchors)
        assert report.valid, report.problems


def test_a_seal_certificate_not_bound_to_the_node_is_refused(network: Network) -> None:
    seal = seal_of(network.pki, "vpcp-seal")
    other = seal_of(network.pki, "nghe-an-seal")  # trusted by the anchors, but bound to nobody
    for number, net in enumerate((sealed(network, seal, bound=None), sealed(network, seal, bound=other))):
        submission = submit(net.sender, document(f"s2{number}"), at=AT)
        assert _deliver(net) == [DeliveryState.QUEUED]  # retried later, never settled
        with NodeStore.begin(net.sender.database, write=False) as store:
            (entry,) = store.outbox(message_id=submission.message_id)
            assert store.receipts(message_ids=[submission.message_id]) == []
        assert isinstance(entry.last_error, Message) and entry.last_error.code == "node-receipt-not-from-peer"


def test_receipts_sealed_by_the_tls_key_still_verify_once_a_seal_is_bound(network: Network) -> None:
    # A node without a seal seals with its TLS key, as every node did before seals: those
    # receipts and bundles keep verifying, and so do new ones after the directory binds a seal.
    submission = submit(network.sender, document("s3"), at=AT)
    assert _deliver(network) == [DeliveryState.DELIVERED]
    old_bundle = _bundle(network.receiver, submission.document_id)
    assert read_receipt_signer(network, submission.message_id) == network.receiver.key.certificate
    seal = seal_of(network.pki, "vpcp-seal")
    net = sealed(network, network.receiver.key, bound=seal)  # bound, but still sealing with TLS
    assert _deliver(net) == []
    assert submit(net.sender, document("s4"), at=AT).entries
    assert _deliver(net) == [DeliveryState.DELIVERED]
    assert verify_bundle(old_bundle, anchors=net.pki.anchors).valid


def read_receipt_signer(network: Network, message_id: str) -> object:
    with NodeStore.begin(network.sender.database, write=False) as store:
        (receipt,) = store.receipts(message_ids=[message_id])
    return read_receipt(receipt.raw).statement.signer


def test_a_seal_key_in_a_token_delivers_and_its_bundle_verifies_offline(
    network: Network, softhsm: Token, tmp_path: Path
) -> None:
    # The token's ECDSA P-256 key: receipts and the log head are then ES256 statements.
    certificate = issue_for_key(network.pki.pki, softhsm.public_keys["ec"], tmp_path / "seal.pem")
    seal = load_signer(softhsm.uri("ec"), certificate, [network.pki.pki.issuing_path])
    try:
        net = sealed(network, seal, bound=seal)
        submission = submit(net.sender, document("t1"), at=AT)
        assert _deliver(net) == [DeliveryState.DELIVERED]
        assert read_receipt_signer(net, submission.message_id) == seal.certificate
        bundle = _bundle(net.receiver, submission.document_id)
    finally:
        seal.close()
    head = zipfile.ZipFile(io.BytesIO(bundle)).read("head.stmt")
    assert b'"alg":"ES256"' in head
    report = verify_bundle(bundle, anchors=net.pki.anchors)  # the anchors alone: offline
    assert report.valid, report.problems
