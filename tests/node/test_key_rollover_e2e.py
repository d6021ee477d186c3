"""End to end, the directory's configuration-signing key rolls over while documents flow: a real
directory and two real ``node serve`` processes refreshing from it (every second). The operator
runs ``directory key announce`` then ``directory key switch`` while the directory serves; the
nodes pin the new key by themselves (nothing in their homes is edited), every document is
delivered once, and a configuration the old key signs after the switch is refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from directory.directory_servers import write_key
from lienthong.demo import wait_for
from lienthong.directory import (
    DirectoryKey,
    DirectoryRegistry,
    generate_directory_key,
    load_pinned_anchor,
    pinned_path,
    reopen_configuration,
)
from lienthong.directory._rollover import KeyFile, KeyReference
from lienthong.node import DeliveryState, NodeHome, init_home
from lienthong.server import DirectoryService, DirectorySettings
from lienthong.store import NodeStore, open_database
from node.e2e_network import NodeProcess, register_network
from node.node_network import document
from support.pki import build_pki, fullchain

SENDER = "000.00.00.H41"
RECIPIENT = "000.00.00.G22"
SERVED = {"node-a": (SENDER,), "node-b": (RECIPIENT,)}
ENV = {**os.environ, "LIENTHONG_LANG": "en", "LIENTHONG_ACTOR": "tester"}
#: Documents submitted while the key rolls over, one after the other.
FLOWING = 4


@dataclass
class Rollover:
    base: Path
    directory_home: Path
    old: DirectoryKey
    old_files: tuple[Path, Path]
    new: DirectoryKey
    new_files: tuple[Path, Path]
    homes: dict[str, NodeHome]
    nodes: dict[str, NodeProcess]

    @property
    def directory_db(self) -> str:
        return f"sqlite:///{self.base / 'directory.db'}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=ENV)


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rollover]:
    base = tmp_path_factory.mktemp("key-rollover")
    now = datetime.now(UTC)
    pki = build_pki(
        base / "pki", at=now - timedelta(days=1), name="Lienthong key rollover",
        agencies=[SENDER, RECIPIENT], nodes=("directory", *SERVED),
    )  # fmt: skip
    old = generate_directory_key("rollover directory 1", not_before=now - timedelta(days=1))
    new = generate_directory_key("rollover directory 2", not_before=now - timedelta(days=1))
    (base / "old").mkdir()
    (base / "new").mkdir()
    old_files, new_files = write_key(old, base / "old"), write_key(new, base / "new")
    anchor_path = base / "anchor.json"
    anchor_path.write_text(old.anchor(directory="rollover").to_json(), encoding="utf-8")
    directory_home = base / "directory"
    directory_home.mkdir()
    settings = DirectorySettings(
        database_url=f"sqlite:///{base / 'directory.db'}",
        home=directory_home,
        signing_key=old_files[0],
        signing_certificate=old_files[1],
        tls_certificate=fullchain(pki, "directory", base)[0],
        tls_key=pki.issued("directory").key_path,
        client_anchors=pki.root_path,
        directory="rollover",
    )
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
                nodes[name] = NodeProcess(
                    name, base / name, None, base / f"{name}.log", port=ports[name],
                    options=("--refresh-interval", "1"),
                )  # fmt: skip
                nodes[name].start()
            yield Rollover(base, directory_home, old, old_files, new, new_files, homes, nodes)
        finally:
            for node in nodes.values():
                node.stop()
            server.stop()


def _held(net: Rollover, name: str) -> tuple[str, str | None]:
    """The key a node verifies with, and the next key its configuration announces."""
    home = net.homes[name]
    assert home.anchor_path is not None
    anchor = load_pinned_anchor(home.anchor_path)
    cache = home.configuration_path or home.home / "configuration.json"
    return anchor.fingerprint, reopen_configuration(cache.read_bytes(), anchor).content.next_signer


def _submit(net: Rollover, number: str) -> str:
    package = net.base / f"{number}.xml"
    package.write_bytes(document(number, sender=SENDER, to=(RECIPIENT,)))
    done = _lienthong("node", "submit", str(package), "--home", str(net.homes["node-a"].home))
    assert done.returncode == 0, done.stderr
    message_id: str = json.loads(done.stdout)["message_id"]
    return message_id


def _delivered(net: Rollover) -> list[str]:
    database = open_database(net.homes["node-a"].database_url)
    try:
        with NodeStore.begin(database, write=False) as store:
            return [e.message_id for e in store.outbox() if e.state is DeliveryState.DELIVERED]
    finally:
        database.close()


def _homes_digest(net: Rollover) -> dict[str, str]:
    """What the nodes were set up with: their anchor files and settings, which no one edits."""
    digests = {}
    for name, home in net.homes.items():
        for path in (home.home / "node.json", home.anchor_path):
            assert path is not None
            digests[f"{name}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def test_the_signing_key_rolls_over_while_documents_flow(net: Rollover) -> None:
    set_up = _homes_digest(net)
    sent: list[str] = []
    failures: list[BaseException] = []

    def flow() -> None:
        try:
            for number in range(FLOWING):
                sent.append(_submit(net, f"4{number:02d}"))
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    flowing = threading.Thread(target=flow)
    flowing.start()
    try:
        new_key, new_cert = net.new_files
        announced = _lienthong(
            "directory", "key", "announce", "--home", str(net.directory_home),
            "--next-key", str(new_key), "--next-cert", str(new_cert), "--db", net.directory_db,
        )  # fmt: skip
        assert announced.returncode == 0, announced.stderr
        assert net.new.fingerprint in announced.stdout
        every_node_told = wait_for(lambda: all(_held(net, name)[1] is not None for name in SERVED))
        assert every_node_told, "a node never held a configuration announcing the next key"
        switched = _lienthong(
            "directory", "key", "switch", "--home", str(net.directory_home), "--db", net.directory_db
        )
        assert switched.returncode == 0, switched.stderr
        pinned = wait_for(lambda: all(_held(net, name)[0] == net.new.fingerprint for name in SERVED))
        assert pinned, "a node did not switch to the new key"
    finally:
        flowing.join()
    assert not failures, failures
    sent.append(_submit(net, "500"))  # after the switch, documents still flow
    assert wait_for(lambda: set(sent) <= set(_delivered(net))), "a document was not delivered"
    assert sorted(_delivered(net)) == sorted(sent)  # each once

    for name, home in net.homes.items():
        assert home.anchor_path is not None
        assert pinned_path(home.anchor_path).stat().st_mode & 0o077 == 0, name
    assert _homes_digest(net) == set_up  # nothing the operator set up was changed
    # Both steps are in the directory's audit, by whom, naming the key.
    with DirectoryRegistry.open(net.directory_db) as registry:
        changes = registry.audit(subject="configuration-signing-key")
    assert [(e.action, e.detail, e.actor) for e in reversed(changes)] == [
        ("key.announce", net.new.fingerprint, ENV["LIENTHONG_ACTOR"]),
        ("key.switch", net.new.fingerprint, ENV["LIENTHONG_ACTOR"]),
    ]

    # The old key signs again (a stolen key, or a directory rolled back): the nodes refuse it and
    # keep the configuration signed by the new key.
    KeyFile(current=KeyReference(*map(str, net.old_files)), next=None).write(net.directory_home)
    logs = [net.base / f"{name}.log" for name in SERVED]
    refused = wait_for(lambda: all("reason=other-directory" in log.read_text("utf-8") for log in logs))
    assert refused, "a node accepted a configuration signed by the old key after the switch"
    assert all(_held(net, name)[0] == net.new.fingerprint for name in SERVED)
    last = _submit(net, "501")
    assert wait_for(lambda: last in _delivered(net)), "routing stopped when the old key's configuration came"
