"""A TLS certificate rollover while documents flow: two real ``node serve`` processes, the
receiving node's certificate and key replaced on disk and the process sent SIGHUP midway
through a stream of documents. Every document arrives once; new handshakes then see the new
certificate, and the peer accepts it (published as the node's next) for the way back."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.demo import wait_for
from lienthong.edxml import StatusCode
from lienthong.net import client_context
from lienthong.node import DeliveryState, NodeRuntime, Submission, submit
from lienthong.store import NodeStore, OutboxEntry
from node.e2e_network import E2ENetwork, e2e_network
from node.node_network import RECIPIENT, document, status

DOCUMENTS = 30
#: Submitted before the certificate is replaced; the rest after, while the first are in flight.
BEFORE = 10
FINAL = {DeliveryState.DELIVERED, DeliveryState.REJECTED, DeliveryState.FAILED}


@pytest.fixture
def net(tmp_path: Path) -> Iterator[E2ENetwork]:
    yield from e2e_network("sqlite", tmp_path)


def _served_serial(net: E2ENetwork, name: str) -> int:
    """The serial of the certificate node ``name`` shows a new handshake now."""
    fullchain, key, anchors = net.client_files("nghe-an")
    context = client_context(anchors=anchors, certificate=fullchain, key=key)
    with (
        socket.create_connection(("127.0.0.1", net.nodes[name].port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as connection,
    ):
        der = connection.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der).serial_number


def _settled(net: E2ENetwork, node: str, message_id: str) -> list[OutboxEntry]:
    def probe() -> list[OutboxEntry]:
        with NodeStore.begin(net.database(node), write=False) as store:
            found = store.outbox(message_id=message_id)
        return found if found and all(e.state in FINAL for e in found) else []

    return wait_for(probe, timeout=120)


def _replace(path: Path, data: bytes) -> None:
    """Write as an operator's tool should: a whole new file moved into place."""
    fresh = path.with_name(path.name + ".tmp")
    fresh.write_bytes(data)
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)


def test_a_tls_certificate_replaced_under_sighup_loses_no_document(net: E2ENetwork) -> None:
    old_serial = _served_serial(net, "vpcp")
    renewed = net.pki.issue_node("vpcp-renewed", at=datetime.now(UTC))
    new_pem = renewed.certificate.public_bytes(Encoding.PEM)
    assert renewed.certificate.serial_number != old_serial
    # 1. Publish the new certificate beside the old one; both nodes take that configuration.
    net.next_tls["vpcp"] = new_pem.decode("ascii")
    net.publish()
    assert wait_for(lambda: net.runs_published("nghe-an") and net.runs_published("vpcp"))

    # 2. A stream of documents; midway, the files change and the receiving process gets SIGHUP.
    home, process = net.homes["vpcp"], net.nodes["vpcp"].process
    assert process is not None
    sent: list[Submission] = []
    with NodeRuntime(net.homes["nghe-an"]) as runtime:
        for number in range(DOCUMENTS):
            if number == BEFORE:
                # Some delivered over the old certificate (a connection open), the rest queued;
                # and vpcp holds a connection to nghe-an made with its old certificate.
                assert _settled(net, "nghe-an", sent[0].message_id)
                (before,) = _settled(net, "vpcp", _registered(net, sent[0]).message_id)
                assert before.state is DeliveryState.DELIVERED, before.last_error
                _replace(home.key_path, renewed.key_path.read_bytes())
                _replace(home.certificate_path, new_pem)
                process.send_signal(signal.SIGHUP)
            sent.append(submit(runtime.node(), document(f"7{number:02d}"), at=datetime.now(UTC)))

    # 3. Every document delivered, and held once by the recipient.
    for submission in sent:
        (entry,) = _settled(net, "nghe-an", submission.message_id)
        assert entry.state is DeliveryState.DELIVERED, entry.last_error
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        held = [entry.document_id for entry in store.inbox(recipient=RECIPIENT)]
    assert sorted(held) == sorted(s.document_id for s in sent)

    # 4. The process says so, and a new handshake is shown the new certificate.
    log = net.base / "vpcp.log"
    loaded = f"tls certificate serial={renewed.certificate.serial_number:x} loaded"
    assert wait_for(lambda: loaded in log.read_text(encoding="utf-8", errors="replace"))
    assert _served_serial(net, "vpcp") == renewed.certificate.serial_number

    # 5. The way back: vpcp now presents the new certificate, which nghe-an accepts as its next.
    (back,) = _settled(net, "vpcp", _registered(net, sent[1]).message_id)
    assert back.state is DeliveryState.DELIVERED, back.last_error

    # 6. The rollover ends: the new certificate alone is published. vpcp's deliveries no longer
    # ride connections made with the old one: nghe-an would refuse those now, and each would
    # take a second attempt.
    net.tls["vpcp"] = net.next_tls.pop("vpcp")
    net.publish()
    assert wait_for(lambda: net.runs_published("nghe-an") and net.runs_published("vpcp"))
    for submission in sent[2:6]:
        (back,) = _settled(net, "vpcp", _registered(net, submission).message_id)
        assert back.state is DeliveryState.DELIVERED, back.last_error
        assert back.attempts == 1, back.last_error

    # 7. vpcp seals with its TLS key: its receipts are signed with the renewed key too, so what
    # nghe-an sends it now is acknowledged by a certificate the directory still publishes.
    with NodeRuntime(net.homes["nghe-an"]) as runtime:
        after = submit(runtime.node(), document("790"), at=datetime.now(UTC))
    (entry,) = _settled(net, "nghe-an", after.message_id)
    assert entry.state is DeliveryState.DELIVERED, entry.last_error
    assert entry.attempts == 1, entry.last_error


def _registered(net: E2ENetwork, original: Submission) -> Submission:
    """vpcp tells nghe-an it registered ``original`` (a delivery the other way)."""
    with NodeRuntime(net.homes["vpcp"]) as runtime:
        registered = status(original.document_id, StatusCode.REGISTERED, at=datetime.now(UTC))
        return submit(runtime.node(), registered, at=datetime.now(UTC))
