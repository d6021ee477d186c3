"""An agency's signing certificate renewed under a serving node, no restart: its key and
certificate files replaced in place and the ``node serve`` process sent SIGHUP while documents
flow through its API. Every document arrives once; those submitted before are signed with the
old certificate, those submitted once the process says it loaded the new keys with the renewed
one (bound beside the old in the configuration, as a renewal is)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from api.api_nodes import LiveApi, live_api
from lienthong.client import Client, Sent
from lienthong.demo import wait_for
from lienthong.store import NodeStore
from lienthong.trust import verify_package
from node.node_network import RECIPIENT, SENDER, document
from support.pki import agency_signer

BATCH = 4


@pytest.fixture
def api(tmp_path: Path) -> Iterator[LiveApi]:
    yield from live_api(tmp_path)


def _replace(path: Path, data: bytes) -> None:
    """Write as an operator's tool should: a whole new file moved into place."""
    fresh = path.with_name(path.name + ".tmp")
    fresh.write_bytes(data)
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)


def _held(api: LiveApi, sent: list[Sent]) -> dict[str, int]:
    """DocumentId → serial of the certificate that signed what vpcp holds, once all arrived."""
    net = api.net
    wanted = {s.document_id for s in sent}

    def probe() -> list[tuple[str, str]]:
        with NodeStore.begin(net.database("vpcp"), write=False) as store:
            held = [(e.document_id, e.package_sha256) for e in store.inbox(recipient=RECIPIENT)]
        return held if {d for d, _ in held} >= wanted else []

    held = wait_for(probe, timeout=120)
    assert held, "not every document arrived"
    assert len(held) == len({d for d, _ in held}), "a document arrived twice"
    blobs = net.homes["vpcp"].blobs(net.database("vpcp"))
    serials = {}
    for document_id, sha256 in held:
        with blobs.open(sha256) as stream:
            report = verify_package(stream.read(), anchors=[net.pki.root], at=datetime.now(UTC))
        assert report.signer is not None and report.valid, report.summary()
        serials[document_id] = report.signer.serial_number
    return serials


def test_a_renewed_agency_signer_is_taken_on_sighup_while_documents_flow(api: LiveApi) -> None:
    net = api.net
    old = net.signer(SENDER)
    renewed = agency_signer(net.pki.issuer, SENDER, at=datetime.now(UTC) - timedelta(minutes=5), days=730)
    net.bound[SENDER] = [renewed.certificate.public_bytes(Encoding.PEM).decode("ascii")]
    net.publish()
    assert wait_for(lambda: net.runs_published("nghe-an") and net.runs_published("vpcp"))
    (key_path, cert_path) = next((k, c) for code, k, c in net.homes["nghe-an"].signer_paths if code == SENDER)
    assert isinstance(key_path, Path)
    process = net.nodes["nghe-an"].process
    assert process is not None
    token = api.token("nghe-an", "reload", [SENDER])
    sent: dict[str, list[Sent]] = {"before": [], "during": [], "after": []}
    with Client(api.urls["nghe-an"], token=token, verify=api.anchors("nghe-an")) as client:
        for number in range(BATCH):
            sent["before"].append(client.send_package(document(f"81{number}")))
        key = renewed.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        _replace(key_path, key)
        _replace(cert_path, renewed.certificate.public_bytes(Encoding.PEM))
        process.send_signal(signal.SIGHUP)
        for number in range(BATCH):  # signed with the old signer or the new: both arrive
            sent["during"].append(client.send_package(document(f"82{number}")))
        loaded = f"{SENDER}={renewed.certificate.serial_number:x}"
        log = net.nodes["nghe-an"].log
        assert wait_for(lambda: loaded in log.read_text(encoding="utf-8", errors="replace"), timeout=60)
        for number in range(BATCH):
            sent["after"].append(client.send_package(document(f"83{number}")))

    serials = _held(api, [s for batch in sent.values() for s in batch])
    assert {serials[s.document_id] for s in sent["before"]} == {old.certificate.serial_number}
    assert {serials[s.document_id] for s in sent["after"]} == {renewed.certificate.serial_number}
    assert net.nodes["nghe-an"].process is process  # the same process throughout
    assert process.poll() is None
