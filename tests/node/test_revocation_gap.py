"""A configuration that reached a node without a CRL the revocation policy requires (here the
root's, as when only the first CRL of ``crl.pem`` was kept) must not stop every submission and
delivery: packages still go through, their reports naming the gap."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.directory import RevocationList
from lienthong.node import DeliveryState, InMemoryTransport, Node, deliver_due, submit
from lienthong.trust import load_crls
from node.node_network import AT, Network, document


def _with_issuing_crl_only(node: Node, network: Network) -> Node:
    path = network.pki.pki.write_crl(at=AT - timedelta(hours=1))
    issuing = next(c for c in load_crls([path]) if c.issuer == network.pki.pki.issuing.subject)
    entry = RevocationList(
        issuer=issuing.issuer.rfc4514_string(),
        fingerprint="0" * 64,
        crl_pem=issuing.public_bytes(Encoding.PEM).decode("ascii"),
        this_update=issuing.last_update_utc,
        next_update=issuing.next_update_utc,
    )
    content = dataclasses.replace(node.configuration.content, crls=(entry,))
    return dataclasses.replace(node, configuration=dataclasses.replace(node.configuration, content=content))


def test_a_missing_root_crl_does_not_stop_submission_and_delivery(network: Network) -> None:
    sender = _with_issuing_crl_only(network.sender, network)
    receiver = _with_issuing_crl_only(network.receiver, network)
    assert sender.crls and receiver.crls
    transport = InMemoryTransport({"nghe-an": sender, "vpcp": receiver})
    submission = submit(sender, document("301"), at=AT)
    assert [e.state for e in submission.entries] == [DeliveryState.QUEUED]
    outcomes = deliver_due(sender, transport, now=AT, rand=random.Random(3))
    assert [o.state for o in outcomes] == [DeliveryState.DELIVERED], [o.reason for o in outcomes]
