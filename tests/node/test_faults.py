"""Faults, bounded and automatic, with real node processes over mutual TLS.

``kill -9`` of the sender and of the receiver at random moments while documents flow, on SQLite
and on PostgreSQL (the issue's 2,000 documents run in ``bench/fault_run.py``; here a few hundred
and five kills of each), then
every document is in the recipient's inbox exactly once, the sender holds an accepted receipt
for each, and both message logs are one unbroken chain. Counts and the seed are printed
(``LIENTHONG_FAULT_SEED`` replays a run). The recipient node down for a while and back is
``test_e2e.py::test_a_recipient_node_down_then_back_gets_it_once``. With the directory
down (nodes that use ``ConfigurationClient`` against a ``lienthong directory serve`` process that
is then stopped), delivery goes on with the configuration the nodes hold.
"""

from __future__ import annotations

import os
import random
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lienthong.demo import Process, free_port, wait_for
from lienthong.directory import DirectoryRegistry, generate_directory_key
from lienthong.node import DeliveryState, NodeHome, NodeRuntime, init_home, submit
from lienthong.store import NodeStore, open_database
from lienthong.trust import Pki
from node.e2e_network import NodeProcess, e2e_network
from node.fault_scenario import FAULT_OPTIONS, run_faults
from node.node_network import RECIPIENT, SENDER, document
from support.pki import build_pki

#: Documents per backend, sized to keep each run near a minute on a busy two-core machine.
DOCUMENTS = {"sqlite": 300, "postgresql": 200}
KILLS = 5


@pytest.mark.parametrize("backend", sorted(DOCUMENTS))
def test_kill_minus_nine_on_both_sides_loses_and_duplicates_nothing(backend: str, tmp_path: Path) -> None:
    seed = int(os.environ.get("LIENTHONG_FAULT_SEED", random.SystemRandom().randrange(2**32)))
    print(f"fault seed {seed} (LIENTHONG_FAULT_SEED={seed} replays it) on {backend}")
    networks = e2e_network(backend, tmp_path, options=FAULT_OPTIONS)
    net = next(networks)
    try:
        counts = run_faults(net, documents=DOCUMENTS[backend], kills=KILLS, seed=seed)
    finally:
        for _ in networks:
            pass
    print(counts.line())
    assert counts.kills == {"nghe-an": KILLS, "vpcp": KILLS}
    assert counts.exactly_once, counts.line()
    assert counts.chains_intact, counts.line()
    assert counts.traced == counts.documents, counts.line()  # each hop in the receiver's log


# -- the directory down ----------------------------------------------------------------------


def _directory(base: Path, pki: Pki, ports: dict[str, int], *, at: datetime) -> tuple[Path, Process]:
    """A ``lienthong directory serve`` naming both nodes; returns its anchor file and process."""
    home = base / "directory"
    home.mkdir()
    key = generate_directory_key("faults directory", not_before=at)
    key_pem = key.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    (home / "signing.key.pem").write_bytes(key_pem)
    (home / "signing.key.pem").chmod(0o600)  # `directory serve` refuses a key others can read
    (home / "signing.pem").write_bytes(key.certificate.public_bytes(Encoding.PEM))
    tls = pki.issue_node("directory", at=at)
    (home / "tls.pem").write_bytes(tls.cert_path.read_bytes() + pki.issuing_path.read_bytes())
    url = f"https://127.0.0.1:{ports['directory']}"
    anchor = base / "anchor.json"
    anchor.write_text(key.anchor(directory="faults", url=url).to_json(), encoding="utf-8")
    database = f"sqlite:///{home / 'directory.db'}"
    with DirectoryRegistry.open(database) as registry:
        registry.initialize(actor="test")
        registry.add_anchor(pki.root_path.read_text(encoding="ascii"), actor="test")
        for name, code in (("nghe-an", SENDER), ("vpcp", RECIPIENT)):
            registry.bind_certificate(code, _pem(pki, code), actor="test")
            registry.add_node(
                name, f"https://127.0.0.1:{ports[name]}", actor="test", serves=(code,),
                tls_certificate_pem=_pem(pki, name),
            )  # fmt: skip
    command = [
        sys.executable, "-m", "lienthong.cli", "directory", "serve", "--key", str(home / "signing.key.pem"),
        "--cert", str(home / "signing.pem"), "--tls-cert", str(home / "tls.pem"), "--tls-key", str(tls.key_path),
        "--client-anchors", str(pki.root_path), "--db", database, "--home", str(home), "--name", "faults",
        "--port", str(ports["directory"]),
    ]  # fmt: skip
    process = Process("directory", command, base / "directory.log")
    process.start(lines=1)
    return anchor, process


def _pem(pki: Pki, name: str) -> str:
    return pki.issued(name).certificate.public_bytes(Encoding.PEM).decode("ascii")


def test_delivery_continues_with_the_directory_down(tmp_path: Path) -> None:
    at = datetime.now(UTC) - timedelta(days=1)
    pki = build_pki(
        tmp_path / "pki",
        at=at,
        name="Lienthong Faults",
        agencies=[SENDER, RECIPIENT],
        nodes=["nghe-an", "vpcp"],
    )
    ports = {name: free_port() for name in ("directory", "nghe-an", "vpcp")}
    anchor, directory = _directory(tmp_path, pki, ports, at=at)
    nodes: dict[str, NodeProcess] = {}
    try:
        ready = wait_for(lambda: _accepts(ports["directory"]), timeout=60)
        assert ready, (tmp_path / "directory.log").read_text()[-2000:]
        homes = {}
        for name, code in (("nghe-an", SENDER), ("vpcp", RECIPIENT)):
            homes[name] = init_home(
                tmp_path / name, name=name, anchor=anchor, at=at, pki=tmp_path / "pki", agencies=(code,),
                directory_url=f"https://127.0.0.1:{ports['directory']}", directory_tls_anchors=pki.root_path,
            )  # fmt: skip
            nodes[name] = NodeProcess(
                name, tmp_path / name, None, tmp_path / f"{name}.log", port=ports[name],
                options=("--lease", "4"),
            )  # fmt: skip
            nodes[name].start()
        before = _send(homes["nghe-an"], "801")
        assert wait_for(lambda: _delivered(homes["nghe-an"], before)), "not delivered with the directory up"
        directory.stop()
        assert not _accepts(ports["directory"])
        after = _send(homes["nghe-an"], "802")
        assert wait_for(lambda: _delivered(homes["nghe-an"], after)), "not delivered with the directory down"
        with NodeStore.begin(open_database(homes["vpcp"].database_url), write=False) as store:
            assert {e.message_id for e in store.inbox()} == {before, after}
    finally:
        for node in nodes.values():
            node.stop()
        directory.stop()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _send(home: NodeHome, number: str) -> str:
    with NodeRuntime(home) as runtime:
        return submit(runtime.node(), document(number), at=datetime.now(UTC)).message_id


def _delivered(home: NodeHome, message_id: str) -> bool:
    database = open_database(home.database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            return [e.state for e in store.outbox(message_id=message_id)] == [DeliveryState.DELIVERED]
    finally:
        database.close()
