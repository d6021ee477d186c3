"""Two real node processes on loopback over mutual TLS, SQLite, for the delivery benchmark.

    nghe-an  000.00.00.H41 (the sender; the node holds its signing key)
    vpcp     000.00.00.G22 (the recipient)

Stands alone (no test helpers): a PKI made for the run, a signed configuration file both nodes
read (re-read when it changes), homes made by ``init_home``, ``lienthong node serve`` processes
started on port 0; once both have printed their URLs a newer configuration names them.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.codes import default_registry
from lienthong.demo import Process
from lienthong.directory import (
    AgencyEntry,
    CertificateBinding,
    DirectoryKey,
    DirectorySnapshot,
    NodeEntry,
    TrustAnchor,
    build_configuration,
    generate_directory_key,
)
from lienthong.node import NodeHome, init_home
from lienthong.store import Database, open_database
from lienthong.trust import KeySigner, Pki

T = TypeVar("T")
SENDER, RECIPIENT = "000.00.00.H41", "000.00.00.G22"
SERVED = {"nghe-an": (SENDER,), "vpcp": (RECIPIENT,)}


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Served:
    name: str
    home: NodeHome
    log: Path
    url: str = ""
    #: The API's URL (``bench_network(api=True)`` only).
    api_url: str = ""
    child: Process | None = None

    def start(self, configuration: Path, options: tuple[str, ...], *, api: bool = False) -> None:
        command = [
            sys.executable, "-m", "lienthong.cli", "node", "serve", "--home", str(self.home.home),
            "--configuration", str(configuration), *options,
        ]  # fmt: skip
        self.child = Process(self.name, command, self.log)
        urls = self.child.start(lines=2 if api else 1)
        self.url = urls[0]
        self.api_url = urls[1] if api else ""

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the serving process so far (Linux /proc)."""
        assert self.child is not None
        assert self.child.popen is not None
        return cpu_seconds(self.child.popen.pid)

    def rss_mb(self) -> float:
        """The serving process's peak resident memory so far, MiB (Linux /proc)."""
        assert self.child is not None
        assert self.child.popen is not None
        status = Path(f"/proc/{self.child.popen.pid}/status").read_text()
        peak = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(peak.split()[1]) / 1024

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


@dataclass
class BenchNetwork:
    pki: Pki
    key: DirectoryKey
    configuration: Path
    nodes: dict[str, Served]
    databases: dict[str, Database] = field(default_factory=dict)
    version: int = 1

    def signer(self, code: str) -> KeySigner:
        issued = self.pki.issued(code)
        return KeySigner.load(issued.key_path, issued.cert_path, [self.pki.issuing_path])

    def database(self, name: str) -> Database:
        if name not in self.databases:
            self.databases[name] = open_database(self.nodes[name].home.database_url)
        return self.databases[name]

    def publish(self) -> None:
        self.version += 1
        self.configuration.write_bytes(self._configuration())

    def _configuration(self) -> bytes:
        def pem(name: str) -> str:
            return self.pki.issued(name).certificate.public_bytes(Encoding.PEM).decode("ascii")

        def fingerprint(name: str) -> str:
            return hashlib.sha256(self.pki.issued(name).certificate.public_bytes(Encoding.DER)).hexdigest()

        root = self.pki.root
        snapshot = DirectorySnapshot(
            version=self.version,
            agencies=tuple(AgencyEntry.of(record) for record in default_registry()),
            nodes=tuple(
                NodeEntry(name, self.nodes[name].url or "https://127.0.0.1:1", pem(name), codes)
                for name, codes in SERVED.items()
            ),
            bindings=tuple(
                CertificateBinding(fingerprint(code), code, pem(code))
                for codes in SERVED.values()
                for code in codes
            ),
            anchors=(
                TrustAnchor(
                    hashlib.sha256(root.public_bytes(Encoding.DER)).hexdigest(),
                    root.subject.rfc4514_string(),
                    root.public_bytes(Encoding.PEM).decode("ascii"),
                ),
            ),
        )
        issued = datetime.now(UTC) - timedelta(hours=1) + timedelta(seconds=self.version)
        return build_configuration(snapshot, self.key, directory="bench", issued_at=issued)


def bench_network(
    base: Path,
    *,
    options: tuple[str, ...] = (),
    api: bool = False,
    database_urls: Mapping[str, str] | None = None,
    blobs: str | None = None,
) -> Iterator[BenchNetwork]:
    """Build both homes, start both nodes, publish their URLs; stop them after. With ``api``,
    each node's API URL is read too. ``database_urls``: node name → its database (default: a
    SQLite file in its home); ``blobs``: where the nodes keep blobs (default: ``node init``'s,
    the database on PostgreSQL)."""
    now = datetime.now(UTC)
    earlier = now - timedelta(days=1)
    pki = Pki.init(base / "pki", at=earlier, name="Lienthong Bench")
    key = generate_directory_key("bench directory", not_before=earlier)
    anchor = base / "anchor.json"
    anchor.write_text(key.anchor(directory="bench").to_json(), encoding="utf-8")
    configuration = base / "configuration.json"
    for name, codes in SERVED.items():
        pki.issue_node(name, at=earlier)
        for code in codes:
            pki.issue_agency(code, code, at=earlier)
    network = BenchNetwork(pki, key, configuration, {})
    network.nodes = {name: Served(name, None, base / f"{name}.log") for name in SERVED}  # type: ignore[arg-type]
    configuration.write_bytes(network._configuration())
    for name, codes in SERVED.items():
        (base / name).mkdir()
        url = (database_urls or {}).get(name) or f"sqlite:///{base / name / 'node.db'}"
        network.nodes[name].home = init_home(
            base / name, name=name, anchor=anchor, at=now, database_url=url,
            pki=base / "pki", agencies=codes, configuration=configuration, blobs=blobs,
        )  # fmt: skip
    try:
        for node in network.nodes.values():
            node.start(configuration, options, api=api)
        network.publish()
        yield network
    finally:
        for node in network.nodes.values():
            node.stop()
        for database in network.databases.values():
            database.close()
