"""End to end, the README's revocation path on a real directory and two real node processes:
``pki revoke`` one agency's certificate, ``directory crls add pki/crl.pem`` (a file holding the
issuing CA's and the root's CRLs), the nodes refresh their configuration; the other agencies
still send and deliver, a package signed with the revoked certificate is refused with the reason:
by the receiver at its first refresh (a negative receipt, while the sender has not refreshed
yet), then by the sender at its own (the CLI, and the API with a 422 problem).

Before, only the first CRL of the file was kept: with revocation data required for the whole
path and the root's CRL missing, every submission and delivery of the network failed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.api_nodes import api_url
from directory.directory_servers import write_key
from lienthong._i18n import render
from lienthong.api import add_client
from lienthong.client import ApiRefused, Client
from lienthong.demo import wait_for
from lienthong.directory import (
    ConfigurationAnchor,
    generate_directory_key,
    reopen_configuration,
)
from lienthong.evidence import Receipt, read_receipt
from lienthong.net import ServerThread
from lienthong.node import DeliveryState, NodeHome, init_home
from lienthong.server import DirectoryService, DirectorySettings
from lienthong.store import NodeStore, OutboxEntry, open_database
from node.e2e_network import NodeProcess, register_network
from node.node_network import document
from support.pki import build_pki, fullchain

REVOKED = "000.00.00.H41"  # UBND tỉnh Nghệ An: its key is compromised
OTHER = "000.00.00.G11"  # another agency on the same node
RECIPIENT = "000.00.00.G22"  # Văn phòng Chính phủ, on the other node
SERVED = {"node-a": (REVOKED, OTHER), "node-b": (RECIPIENT,)}
ENV = {**os.environ, "LIENTHONG_LANG": "en", "LIENTHONG_ACTOR": "tester"}


@dataclass
class Network:
    base: Path
    pki_home: Path
    directory_db: str
    directory: ServerThread
    anchor: ConfigurationAnchor
    homes: dict[str, NodeHome]
    nodes: dict[str, NodeProcess]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _lienthong(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env or ENV)


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    base = tmp_path_factory.mktemp("revocation-e2e")
    now = datetime.now(UTC)
    agencies = [code for codes in SERVED.values() for code in codes]
    pki = build_pki(
        base / "pki",
        at=now - timedelta(days=1),
        name="Lienthong CRL E2E",
        agencies=agencies,
        nodes=("directory", *SERVED),
    )
    key = generate_directory_key("crl-e2e directory", not_before=now - timedelta(days=1))
    key_path, cert_path = write_key(key, base)
    anchor = key.anchor(directory="crl-e2e")
    anchor_path = base / "anchor.json"
    anchor_path.write_text(anchor.to_json(), encoding="utf-8")
    directory_db = f"sqlite:///{base / 'directory.db'}"
    settings = DirectorySettings(
        database_url=directory_db,
        home=base / "directory",
        signing_key=key_path,
        signing_certificate=cert_path,
        tls_certificate=fullchain(pki, "directory", base)[0],
        tls_key=pki.issued("directory").key_path,
        client_anchors=pki.root_path,
        directory="crl-e2e",
    )
    (base / "directory").mkdir()
    ports = {name: _free_port() for name in SERVED}
    with DirectoryService(settings) as service:
        register_network(service.registry, pki, SERVED, ports)
        server = service.start()
        homes: dict[str, NodeHome] = {}
        nodes: dict[str, NodeProcess] = {}
        try:
            for name, codes in SERVED.items():
                homes[name] = init_home(
                    base / name, name=name, anchor=anchor_path, at=now,
                    database_url=f"sqlite:///{base / name / 'node.db'}", pki=base / "pki", agencies=codes,
                    directory_url=server.url, directory_tls_anchors=pki.root_path,
                )  # fmt: skip
                nodes[name] = NodeProcess(name, base / name, None, base / f"{name}.log", port=ports[name])
                nodes[name].start()
            yield Network(base, base / "pki", directory_db, server, anchor, homes, nodes)
        finally:
            for node in nodes.values():
                node.stop()
            server.stop()


def _crls_held(net: Network, name: str) -> int:
    home = net.homes[name]
    cache = home.configuration_path or home.home / "configuration.json"
    return len(reopen_configuration(cache.read_bytes(), net.anchor).content.crls)


def _submit(net: Network, sender: str, number: str) -> subprocess.CompletedProcess[str]:
    package = net.base / f"{number}.xml"
    package.write_bytes(document(number, sender=sender, to=(RECIPIENT,)))
    return _lienthong("node", "submit", str(package), "--home", str(net.homes["node-a"].home))


def _delivered(net: Network, message_id: str) -> list[OutboxEntry]:
    database = open_database(net.homes["node-a"].database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            return [e for e in store.outbox(message_id=message_id) if e.state is DeliveryState.DELIVERED]
    finally:
        database.close()


def _send_and_deliver(net: Network, sender: str, number: str) -> None:
    done = _submit(net, sender, number)
    assert done.returncode == 0, done.stderr
    message_id = json.loads(done.stdout)["message_id"]
    assert wait_for(lambda: _delivered(net, message_id)), f"{sender}'s document {number} was not delivered"


def _restart(net: Network, name: str) -> None:
    """Restart ``name``: its first refresh is at start (the background one is minutes apart)."""
    net.nodes[name].stop()
    net.nodes[name].start()
    assert wait_for(lambda: _crls_held(net, name) == 2), f"{name} kept its configuration without the CRLs"


def _settled(net: Network, message_id: str) -> OutboxEntry | None:
    database = open_database(net.homes["node-a"].database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            entries = store.outbox(message_id=message_id)
    finally:
        database.close()
    return next((e for e in entries if e.state in (DeliveryState.DELIVERED, DeliveryState.REJECTED)), None)


def _refusal(net: Network, message_id: str) -> Receipt:
    """node-b's negative receipt for ``message_id``, as node-a holds it (signature checked)."""
    database = open_database(net.homes["node-a"].database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            (entry,) = store.receipts(message_ids=[message_id])
    finally:
        database.close()
    receipt = read_receipt(entry.raw).receipt
    assert not receipt.accepted and receipt.node == "node-b", receipt
    return receipt


def _api_refusal(net: Network, number: str) -> ApiRefused:
    """What node-a's API answers to a package from the revoked agency."""
    url = api_url(net.nodes["node-a"])  # printed after the peer URL by the restarted process
    database = open_database(net.homes["node-a"].database_url)
    try:
        token = add_client(database, "crl-e2e", codes=[REVOKED], at=datetime.now(UTC)).token
    finally:
        database.close()
    anchors = net.homes["node-a"].home / "run" / "anchors.pem"
    with Client(url, token=token, verify=anchors) as client, pytest.raises(ApiRefused) as refused:
        client.send_package(document(number, sender=REVOKED, to=(RECIPIENT,)))
    return refused.value


def test_revocation_by_the_readme_path_stops_only_the_revoked_signer(net: Network) -> None:
    _send_and_deliver(net, REVOKED, "201")  # before any revocation: the network works
    revoked = _lienthong("pki", "revoke", "--home", str(net.pki_home), REVOKED, "--reason", "keyCompromise")
    assert revoked.returncode == 0, revoked.stderr
    added = _lienthong(
        "directory", "crls", "add", str(net.pki_home / "crl.pem"), "--ca", str(net.pki_home / "issuing.pem"),
        env={**ENV, "LIENTHONG_DIRECTORY_DB": net.directory_db},
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert len(added.stdout.strip().splitlines()) == 2, f"not both CRLs of crl.pem were taken: {added.stdout}"
    assert not added.stderr, added.stderr  # nothing missing: publishing may go on

    # The receiver refreshes first: a package the sender (not refreshed yet) still accepts from
    # the revoked signer is refused on receipt, with a negative receipt saying why.
    _restart(net, "node-b")
    unrefreshed = _submit(net, REVOKED, "202")
    assert unrefreshed.returncode == 0, unrefreshed.stderr  # node-a does not know yet
    message_id = json.loads(unrefreshed.stdout)["message_id"]
    settled = wait_for(lambda: _settled(net, message_id))
    assert settled is not None and settled.state is DeliveryState.REJECTED, settled
    refusal = _refusal(net, message_id)
    assert refusal.reason_code == "signature" and refusal.reason_message is not None
    assert "revoked" in render(refusal.reason_message, "en"), render(refusal.reason_message, "en")

    # Then the sender refreshes: the other agencies still send, the revoked one is refused on
    # submission, by the CLI and by the API (a 4xx with a problem body naming the reason).
    _restart(net, "node-a")
    _send_and_deliver(net, OTHER, "203")
    refused = _submit(net, REVOKED, "204")
    assert refused.returncode == 1, refused.stdout
    assert "revoked" in refused.stderr and "key_compromise" in refused.stderr, refused.stderr
    assert "could not be established" not in refused.stderr
    answer = _api_refusal(net, "205")
    assert answer.status == 422 and answer.code, (answer.status, answer.code)  # refused, not an error
    assert "revoked" in answer.render("en"), answer.render("en")
