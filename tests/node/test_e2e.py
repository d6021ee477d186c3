"""End to end: three real node processes over real mutual TLS, on SQLite and on PostgreSQL.

Documents are submitted with ``lienthong node submit`` (once) or into the sender's database
with ``submit`` (the serving process's worker picks them up, as it would from the REST API);
every wait is a bounded poll of the databases.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

import lienthong
from lienthong._i18n import msg
from lienthong.demo import wait_for
from lienthong.edxml import BusinessType, StatusCode
from lienthong.evidence import read_receipt
from lienthong.net import client_context
from lienthong.node import (
    PACKAGES_PATH,
    RECIPIENT_HEADER,
    DeliveryState,
    Disposition,
    NodeRuntime,
    Refusal,
    Submission,
    submit,
)
from lienthong.store import NodeStore, OutboxEntry
from lienthong.trust import sign_package
from node.e2e_network import MAX_PACKAGE_BYTES, SERVED, E2ENetwork, e2e_network
from node.node_network import CLOSED, RECIPIENT, SENDER, SUCCESSOR, document, status
from support.pki import build_pki, fullchain

FINAL = {DeliveryState.DELIVERED, DeliveryState.REJECTED, DeliveryState.FAILED}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def net(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2ENetwork]:
    yield from e2e_network(str(request.param), tmp_path_factory.mktemp(f"e2e-{request.param}"))


def _submit(net: E2ENetwork, node: str, data: bytes) -> Submission:
    with NodeRuntime(net.homes[node]) as runtime:
        return submit(runtime.node(), data, at=datetime.now(UTC))


def _outbox(net: E2ENetwork, node: str, message_id: str) -> list[OutboxEntry]:
    with NodeStore.begin(net.database(node), write=False) as store:
        return store.outbox(message_id=message_id)


def _settled(net: E2ENetwork, node: str, message_id: str) -> list[OutboxEntry]:
    entries = wait_for(lambda: [e for e in _outbox(net, node, message_id) if e.state in FINAL] or None)
    assert entries, f"not settled: {_outbox(net, node, message_id)}"
    return list(entries)


def _inbox(net: E2ENetwork, node: str, document_id: str) -> list[object]:
    with NodeStore.begin(net.database(node), write=False) as store:
        return list(store.inbox(document_id=document_id))


def test_one_to_one_with_the_submit_command(net: E2ENetwork, tmp_path: Path) -> None:
    package = tmp_path / "vb.xml"
    package.write_bytes(document("101"))
    command = [
        sys.executable,
        "-m",
        "lienthong.cli",
        "node",
        "submit",
        str(package),
        "--home",
        str(net.homes["nghe-an"].home),
    ]
    done = subprocess.run(
        command, capture_output=True, timeout=60, check=False, env={**os.environ, "LIENTHONG_LANG": "en"}
    )
    assert done.returncode == 0, done.stderr.decode()
    answer = json.loads(done.stdout)
    assert [r["state"] for r in answer["recipients"]] == ["queued"]
    (entry,) = _settled(net, "nghe-an", answer["message_id"])
    assert entry.state is DeliveryState.DELIVERED, entry.last_error
    with NodeStore.begin(net.database("nghe-an"), write=False) as store:
        (receipt,) = store.receipts(message_ids=[answer["message_id"]])
    signed = read_receipt(receipt.raw)
    assert (
        signed.receipt.accepted and signed.receipt.node == "vpcp" and entry.receipt_sha256 == receipt.sha256
    )
    assert len(_inbox(net, "vpcp", answer["document_id"])) == 1


def test_fan_out_to_twelve_recipients_on_three_nodes(net: E2ENetwork) -> None:
    recipients = tuple(code for codes in SERVED.values() for code in codes if code != SENDER)
    submission = _submit(net, "nghe-an", document("102", to=recipients))

    def settled() -> list[OutboxEntry]:
        found = _outbox(net, "nghe-an", submission.message_id)
        return found if found and all(e.state in FINAL for e in found) else []

    entries = wait_for(settled)
    assert sorted(e.deliver_to for e in entries) == sorted(recipients)
    assert {e.state for e in entries} == {DeliveryState.DELIVERED}
    for name, codes in SERVED.items():
        held = _inbox(net, name, submission.document_id)
        assert sorted(e.recipient for e in held) == sorted(c for c in codes if c != SENDER)  # type: ignore[attr-defined]


def test_status_round_trip(net: E2ENetwork) -> None:
    sent = _submit(net, "nghe-an", document("103"))
    assert _settled(net, "nghe-an", sent.message_id)[0].state is DeliveryState.DELIVERED
    answer = _submit(net, "vpcp", status(sent.document_id, StatusCode.REGISTERED, at=datetime.now(UTC)))
    (back,) = _settled(net, "vpcp", answer.message_id)
    assert back.state is DeliveryState.DELIVERED and back.deliver_to == SENDER
    with NodeStore.begin(net.database("nghe-an"), write=False) as store:
        timeline = store.timeline(sent.document_id, sender=SENDER)
    assert [(s.reporter, s.status_code) for s in timeline] == [(RECIPIENT, "03")]


def test_recall_is_applied_at_the_recipient(net: E2ENetwork) -> None:
    original = _submit(net, "nghe-an", document("104"))
    _settled(net, "nghe-an", original.message_id)
    recall = _submit(net, "nghe-an", document("105", acts_on=(original.document_id, BusinessType.RECALL)))
    assert _settled(net, "nghe-an", recall.message_id)[0].state is DeliveryState.DELIVERED
    (earlier,) = _inbox(net, "vpcp", original.document_id)
    assert earlier.disposition is Disposition.RECALLED  # type: ignore[attr-defined]
    assert earlier.superseded_by == recall.document_id  # type: ignore[attr-defined]


def test_closed_code_is_redirected_to_its_successor(net: E2ENetwork) -> None:
    sent = _submit(net, "nghe-an", document("106", to=(CLOSED,)))
    (entry,) = _settled(net, "nghe-an", sent.message_id)
    assert entry.state is DeliveryState.DELIVERED
    assert entry.item.redirected_from == CLOSED and entry.deliver_to == SUCCESSOR
    assert [e.recipient for e in _inbox(net, "vpcp", sent.document_id)] == [SUCCESSOR]  # type: ignore[attr-defined]


def test_a_recipient_node_down_then_back_gets_it_once(net: E2ENetwork) -> None:
    vpcp = net.nodes["vpcp"]
    vpcp.stop()
    try:
        sent = _submit(net, "nghe-an", document("107"))
        tried = wait_for(
            lambda: [e for e in _outbox(net, "nghe-an", sent.message_id) if e.attempts >= 2 and e.last_error]
        )
        assert tried and tried[0].state is not DeliveryState.DELIVERED
    finally:
        vpcp.start()  # the same port: the configuration still names it
    (entry,) = _settled(net, "nghe-an", sent.message_id)
    assert entry.state is DeliveryState.DELIVERED, entry.last_error
    assert len(_inbox(net, "vpcp", sent.document_id)) == 1


# -- hostile peers -------------------------------------------------------------------------


def _post(
    net: E2ENetwork, data: bytes, *, recipient: str = RECIPIENT, peer: str = "nghe-an"
) -> httpx.Response:
    fullchain, key, anchors = net.client_files(peer)
    headers = {RECIPIENT_HEADER: recipient}
    with httpx.Client(
        verify=client_context(anchors=anchors, certificate=fullchain, key=key), http2=True
    ) as client:
        return client.post(net.nodes["vpcp"].url + PACKAGES_PATH, content=data, headers=headers, timeout=60)


def _refused(net: E2ENetwork, data: bytes, *, recipient: str = RECIPIENT) -> str | None:
    response = _post(net, data, recipient=recipient)
    assert response.status_code == 200
    receipt = read_receipt(response.content).receipt
    assert not receipt.accepted and receipt.node == "vpcp"
    return receipt.reason_code


def test_tls_refuses_no_certificate_and_another_root(net: E2ENetwork, tmp_path: Path) -> None:
    _, _, anchors = net.client_files("nghe-an")
    url = net.nodes["vpcp"].url + PACKAGES_PATH
    with (
        httpx.Client(verify=client_context(anchors=anchors), http2=True) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.post(url, content=document("108"), headers={RECIPIENT_HEADER: RECIPIENT})
    at = datetime.now(UTC) - timedelta(days=1)
    foreign = build_pki(tmp_path / "foreign", at=at, name="Foreign", nodes=["vpcp"])  # another root's "vpcp"
    chain, key = fullchain(foreign, "vpcp", tmp_path)
    context = client_context(anchors=anchors, certificate=chain, key=key)
    with httpx.Client(verify=context, http2=True) as client, pytest.raises(httpx.TransportError):
        client.post(url, content=document("108"), headers={RECIPIENT_HEADER: RECIPIENT})


def test_a_certificate_of_the_network_that_is_no_node_is_refused(net: E2ENetwork, tmp_path: Path) -> None:
    """Chains to the network's root, so TLS lets it in; but it is no node's TLS certificate."""
    _, _, anchors = net.client_files("nghe-an")
    stranger = net.pki.issue_node(f"stranger-{tmp_path.name}", at=datetime.now(UTC) - timedelta(days=1))
    chain = tmp_path / "stranger.pem"
    chain.write_bytes(stranger.cert_path.read_bytes() + net.pki.issuing_path.read_bytes())
    signed = sign_package(document("113"), net.signer(SENDER))
    context = client_context(anchors=anchors, certificate=chain, key=stranger.key_path)
    with httpx.Client(verify=context, http2=True) as client:
        response = client.post(
            net.nodes["vpcp"].url + PACKAGES_PATH, content=signed, headers={RECIPIENT_HEADER: RECIPIENT}
        )
    assert response.status_code == 403 and response.json()["code"] == "peer-unknown"
    assert not [e for e in _all_inbox(net, "vpcp") if "113" in e]


def test_hostile_packages_get_negative_receipts_and_nothing_is_stored(net: E2ENetwork) -> None:
    forged = sign_package(document("109"), net.signer(RECIPIENT))  # G22's key, From H41
    assert _refused(net, forged) == Refusal.SIGNER_NOT_SENDER.value
    elsewhere = sign_package(document("110", to=(SENDER,)), net.signer(SENDER))
    assert _refused(net, elsewhere, recipient=SENDER) == Refusal.NOT_SERVED_HERE.value
    assert _refused(net, b"<edXML><broken") == Refusal.MALFORMED.value
    oversize = b"<" * (MAX_PACKAGE_BYTES + 1)
    response = _post(net, oversize)
    receipt = read_receipt(response.content).receipt
    assert receipt.reason_code == Refusal.TOO_LARGE.value and receipt.reason is None
    assert receipt.reason_message == msg(
        "node-package-too-large", size=len(oversize), limit=MAX_PACKAGE_BYTES
    )
    assert receipt.package_sha256 == hashlib.sha256(oversize).hexdigest()  # hashed, not kept
    for document_id in ("109", "110"):
        assert not [e for e in _all_inbox(net, "vpcp") if document_id in e]


def test_a_node_delivering_for_agencies_it_does_not_serve_is_refused(net: E2ENetwork) -> None:
    """bo-nganh's TLS certificate, a package validly signed by H41 (served by nghe-an), to vpcp;
    a status is refused alike (its ``From`` is the agency answering)."""
    forwarded = sign_package(document("114"), net.signer(SENDER))
    response = _post(net, forwarded, peer="bo-nganh")
    receipt = read_receipt(response.content).receipt
    assert not receipt.accepted and receipt.reason_code == Refusal.PEER_NOT_SENDER_NODE.value
    why = receipt.reason_message
    assert receipt.reason is None and why is not None and why.code == "node-peer-not-sender-node"
    assert (why.params["peer"], why.params["sender"]) == ("bo-nganh", SENDER)
    assert not [e for e in _all_inbox(net, "vpcp") if "114" in e]
    answer = sign_package(status(f"{RECIPIENT},2026/03/02,1/X", StatusCode.RECEIVED), net.signer(RECIPIENT))
    fullchain, key, anchors = net.client_files("bo-nganh")
    with httpx.Client(
        verify=client_context(anchors=anchors, certificate=fullchain, key=key), http2=True
    ) as c:
        raw = c.post(
            net.nodes["nghe-an"].url + PACKAGES_PATH, content=answer, headers={RECIPIENT_HEADER: SENDER}
        )
    assert read_receipt(raw.content).receipt.reason_code == Refusal.PEER_NOT_SENDER_NODE.value


def _all_inbox(net: E2ENetwork, node: str) -> list[str]:
    with NodeStore.begin(net.database(node), write=False) as store:
        return [e.document_id for e in store.inbox()]


def test_a_replayed_message_is_receipted_twice_and_stored_once(net: E2ENetwork) -> None:
    signed = sign_package(document("111"), net.signer(SENDER))
    first, second = (read_receipt(_post(net, signed).content).receipt for _ in range(2))
    assert first.accepted and second.accepted and not first.duplicate and second.duplicate
    assert len(_inbox(net, "vpcp", first.document_id)) == 1


def test_requests_that_are_no_delivery_get_a_4xx_problem(net: E2ENetwork) -> None:
    response = _post(net, document("112"), recipient=" ")
    assert response.status_code == 400 and response.json()["code"] == "recipient-missing"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lienthong.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "LIENTHONG_LANG": "en"},
    )


def test_trace_shows_the_path_and_timing_on_both_nodes(net: E2ENetwork) -> None:
    sent = _submit(net, "nghe-an", document("108"))
    assert _settled(net, "nghe-an", sent.message_id)[0].state is DeliveryState.DELIVERED
    answer = _submit(net, "vpcp", status(sent.document_id, StatusCode.REGISTERED, at=datetime.now(UTC)))
    assert _settled(net, "vpcp", answer.message_id)[0].state is DeliveryState.DELIVERED
    traces = {}
    for name in ("nghe-an", "vpcp"):
        done = _cli("node", "trace", sent.message_id, "--home", str(net.homes[name].home), "--json")
        assert done.returncode == 0, done.stderr
        traces[name] = json.loads(done.stdout)
    out, back = traces["nghe-an"], traces["vpcp"]
    assert out["document_id"] == back["document_id"] == sent.document_id
    # The builder's TraceHeader, then the sending node's, inside the signed package.
    assert (
        [h["organ_id"] for h in back["package_trace"]]
        == [SENDER, SENDER]
        == [h["organ_id"] for h in out["package_trace"]]
    )
    (leg,) = out["legs"]
    assert (leg["direction"], leg["from_node"], leg["to_node"], leg["state"]) == (
        "out", "nghe-an", "vpcp", "delivered",
    )  # fmt: skip
    assert leg["accepted_at"] and leg["sent_at"] and leg["received_at"] and leg["receipt"]
    assert [s["code"] for s in leg["statuses"]] == ["03"]
    (leg,) = back["legs"]
    # The receiver names the sending node by its TLS certificate and keeps its sending time.
    assert (leg["direction"], leg["from_node"], leg["to_node"]) == ("in", "nghe-an", "vpcp")
    assert leg["sent_at"] and leg["received_at"]
    (arrival,) = [e for e in back["log"] if e["kind"] == "package-in"]
    assert json.loads(arrival["note"])["from_node"] == "nghe-an"
    done = _cli("node", "trace", sent.document_id, "--home", str(net.homes["vpcp"].home))
    assert done.returncode == 0 and "nghe-an → vpcp" in done.stdout, done.stdout + done.stderr
    done = _cli("node", "trace", "f" * 64, "--home", str(net.homes["vpcp"].home))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr


def test_a_recall_by_status_is_applied_on_both_nodes(net: E2ENetwork) -> None:
    sent = _submit(net, "nghe-an", document("109"))
    _settled(net, "nghe-an", sent.message_id)
    ask = status(sent.document_id, StatusCode.RECALL_REQUESTED, reporter=SENDER, at=datetime.now(UTC))
    asked = _submit(net, "nghe-an", ask)
    assert _settled(net, "nghe-an", asked.message_id)[0].state is DeliveryState.DELIVERED
    (copy,) = [e for e in _inbox(net, "vpcp", sent.document_id) if e.kind.value == "document"]  # type: ignore[attr-defined]
    assert copy.disposition is Disposition.RECALL_REQUESTED  # type: ignore[attr-defined]
    agreed = _submit(
        net,
        "vpcp",
        status(sent.document_id, StatusCode.RECALL_ACCEPTED, at=datetime.now(UTC) + timedelta(seconds=1)),
    )
    assert _settled(net, "vpcp", agreed.message_id)[0].state is DeliveryState.DELIVERED
    (copy,) = [e for e in _inbox(net, "vpcp", sent.document_id) if e.kind.value == "document"]  # type: ignore[attr-defined]
    assert copy.disposition is Disposition.RECALLED  # type: ignore[attr-defined]
    done = _cli("node", "trace", sent.message_id, "--home", str(net.homes["nghe-an"].home), "--json")
    assert done.returncode == 0, done.stderr
    assert [leg["recall"] for leg in json.loads(done.stdout)["legs"]] == ["accepted"]


def test_a_serving_node_logs_one_line_saying_what_it_serves(net: E2ENetwork) -> None:
    vpcp = net.nodes["vpcp"]
    lines = vpcp.log.read_text(encoding="utf-8").splitlines()
    started = [line for line in lines if " node vpcp serving: " in line]
    assert len(started) >= 1, lines[:20]
    line = started[0]
    kind = net.homes["vpcp"].database_url.split(":", 1)[0].split("+", 1)[0]
    assert f"peer {vpcp.url}" in line and f"database {kind}" in line, line
    assert "agencies 000.00.00.G22" in line and f"lienthong {lienthong.__version__}" in line, line
