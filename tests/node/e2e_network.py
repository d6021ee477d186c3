"""Real node processes on loopback over real mutual TLS, for the end-to-end tests.

Three nodes, each its own home (made by ``init_home`` from a test PKI), database (a SQLite file
or a PostgreSQL schema) and ``lienthong node serve`` process:

    nghe-an   000.00.00.H41 (sender), G11, G12
    vpcp      000.00.00.G22, 000.00.00.H42 (successor of the closed H40)
    bo-nganh  eight ministries (000.00.00.G01 … G15, active codes only)

Nodes start on port 0 with a configuration whose endpoints are placeholders; once each has
printed its URL, a newer configuration with the real endpoints is written, which the nodes
re-read. Waits are polls of the databases with a deadline; nothing asserts on time.
"""

from __future__ import annotations

import hashlib
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import psycopg
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.codes import default_registry
from lienthong.demo import Process
from lienthong.directory import (
    AgencyEntry,
    CertificateBinding,
    DirectoryKey,
    DirectoryRegistry,
    DirectorySnapshot,
    NodeEntry,
    TrustAnchor,
    build_configuration,
    generate_directory_key,
)
from lienthong.node import NodeHome, init_home
from lienthong.store import Database, open_database
from lienthong.trust import KeySigner, Pki
from node.node_network import RECIPIENT, SENDER, SUCCESSOR
from support.databases import POSTGRES, _postgres_schema_url
from support.pki import build_pki

T = TypeVar("T")

SERVED = {
    "nghe-an": (SENDER, "000.00.00.G11", "000.00.00.G12"),
    "vpcp": (RECIPIENT, SUCCESSOR),
    "bo-nganh": tuple(f"000.00.00.G{n}" for n in ("01", "02", "03", "06", "08", "09", "10", "15")),
}
#: Agencies whose signing keys the nodes hold (they sign what they submit unsigned).
AGENCIES = {"nghe-an": (SENDER,), "vpcp": (RECIPIENT, SUCCESSOR), "bo-nganh": ()}
MAX_PACKAGE_BYTES = 2_000_000


@dataclass
class NodeProcess:
    name: str
    home: Path
    #: The signed configuration file it reads; None: it asks the directory named in its home.
    configuration: Path | None
    log: Path
    port: int = 0
    url: str = ""
    #: More ``node serve`` options (say ``--lease 5`` where processes get killed).
    options: tuple[str, ...] = ()
    child: Process | None = None

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self.child.popen if self.child is not None else None

    def start(self, *, timeout: float = 60.0) -> str:
        """Start ``lienthong node serve``; returns the URL it prints (on the same port as before
        after a restart), waiting for it at most ``timeout`` seconds."""
        command = [
            sys.executable, "-m", "lienthong.cli", "node", "serve", "--home", str(self.home),
            *(("--configuration", str(self.configuration)) if self.configuration else ()),
            "--port", str(self.port),
            "--retry-base", "0.3", "--retry-cap", "1", "--workers", "2",
            "--max-package-bytes", str(MAX_PACKAGE_BYTES), *self.options,
        ]  # fmt: skip
        self.child = Process(self.name, command, self.log)
        self.url = self.child.start(lines=1, timeout=timeout)[0]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self.url

    def kill(self) -> None:
        """``kill -9``: no goodbye, no flushing, whatever it was doing."""
        if self.child is not None:
            self.child.kill()

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


@dataclass
class E2ENetwork:
    base: Path
    pki: Pki
    key: DirectoryKey
    configuration: Path
    homes: dict[str, NodeHome]
    nodes: dict[str, NodeProcess]
    databases: dict[str, Database] = field(default_factory=dict)
    version: int = 1
    #: A node's next TLS certificate (a rollover under way), published beside its current one.
    next_tls: dict[str, str] = field(default_factory=dict)
    #: A node's TLS certificate published instead of the one the PKI issued it first (a rollover done).
    tls: dict[str, str] = field(default_factory=dict)
    #: Agency code → certificates bound to it beside the one the PKI issued it (a renewal).
    bound: dict[str, list[str]] = field(default_factory=dict)
    #: A node's URL published instead of its process's (a load balancer in front of its processes).
    endpoints: dict[str, str] = field(default_factory=dict)

    def signer(self, code: str) -> KeySigner:
        issued = self.pki.issued(code)
        return KeySigner.load(issued.key_path, issued.cert_path, [self.pki.issuing_path])

    def node_certificate(self, name: str) -> str:
        if name in self.tls:
            return self.tls[name]
        return self.pki.issued(name).certificate.public_bytes(Encoding.PEM).decode("ascii")

    def publish(self) -> None:
        """Write a newer configuration with each node's current URL."""
        self.version += 1
        self.configuration.write_bytes(_configuration(self, self.version))

    def runs_published(self, name: str) -> bool:
        """Whether node ``name`` has taken the configuration last published (its log says so):
        before that it routes to the placeholder endpoints and a delivery fails."""
        log = self.base / f"{name}.log"
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        return f"configuration directory=test version={self.version} " in text

    def database(self, name: str) -> Database:
        if name not in self.databases:
            self.databases[name] = open_database(self.homes[name].database_url)
        return self.databases[name]

    def client_files(self, name: str) -> tuple[Path, Path, Path]:
        """(fullchain, key, anchors) of node ``name``, as its serving process wrote them."""
        run = self.homes[name].home / "run"
        return run / "fullchain.pem", self.homes[name].key_path, run / "anchors.pem"


def _fingerprint(pem: str) -> str:
    from cryptography import x509

    return hashlib.sha256(x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)).hexdigest()


def _configuration(network: E2ENetwork, version: int) -> bytes:
    root = network.pki.root
    bindings = []
    for codes in AGENCIES.values():
        for code in codes:
            pem = network.pki.issued(code).certificate.public_bytes(Encoding.PEM).decode("ascii")
            for bound in (pem, *network.bound.get(code, ())):
                bindings.append(CertificateBinding(_fingerprint(bound), code, bound))
    snapshot = DirectorySnapshot(
        version=version,
        agencies=tuple(AgencyEntry.of(record) for record in default_registry()),
        nodes=tuple(
            NodeEntry(
                name,
                network.endpoints.get(name) or network.nodes[name].url or "https://127.0.0.1:1",
                network.node_certificate(name),
                codes,
                next_tls_certificate_pem=network.next_tls.get(name),
            )
            for name, codes in SERVED.items()
        ),
        bindings=tuple(bindings),
        anchors=(
            TrustAnchor(
                hashlib.sha256(root.public_bytes(Encoding.DER)).hexdigest(),
                root.subject.rfc4514_string(),
                root.public_bytes(Encoding.PEM).decode("ascii"),
            ),
        ),
    )
    issued = datetime.now(UTC) - timedelta(hours=1) + timedelta(seconds=version)
    return build_configuration(snapshot, network.key, directory="test", issued_at=issued)


def _database_urls(backend: str, base: Path) -> Iterator[dict[str, str]]:
    if backend == "sqlite":
        yield {name: f"sqlite:///{base / name / 'node.db'}" for name in SERVED}
        return
    schemas = {name: f"lt_{secrets.token_hex(6)}" for name in SERVED}
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=10) as admin:
        for schema in schemas.values():
            admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield {name: _postgres_schema_url(schema) for name, schema in schemas.items()}
        finally:
            for schema in schemas.values():
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def e2e_network(
    backend: str,
    base: Path,
    *,
    options: tuple[str, ...] = (),
    node_options: Mapping[str, tuple[str, ...]] | None = None,
    database_urls: Mapping[str, str] | None = None,
    start_timeout: float = 60.0,
) -> Iterator[E2ENetwork]:
    """Build the homes, start the three nodes (``options`` added to each ``node serve``, then
    ``node_options`` of that node; each given ``start_timeout`` seconds), publish their URLs;
    stop everything after. A node named in ``database_urls`` uses that database instead of
    ``backend``'s (say a failover cluster)."""
    now = datetime.now(UTC)
    signing = [code for codes in AGENCIES.values() for code in codes]
    pki = build_pki(
        base / "pki", at=now - timedelta(days=1), name="Lienthong E2E", agencies=signing, nodes=SERVED
    )
    key = generate_directory_key("e2e directory", not_before=now - timedelta(days=1))
    anchor = base / "anchor.json"
    anchor.write_text(key.anchor(directory="test").to_json(), encoding="utf-8")
    configuration = base / "configuration.json"
    for made in _database_urls(backend, base):
        urls = {**made, **(database_urls or {})}
        homes: dict[str, NodeHome] = {}
        nodes: dict[str, NodeProcess] = {}
        network = E2ENetwork(base, pki, key, configuration, homes, nodes)
        for name in AGENCIES:
            (base / name).mkdir()
            own = (*options, *(node_options or {}).get(name, ()))
            nodes[name] = NodeProcess(name, base / name, configuration, base / f"{name}.log", options=own)
        configuration.write_bytes(_configuration(network, network.version))
        for name, agencies in AGENCIES.items():
            homes[name] = init_home(
                base / name, name=name, anchor=anchor, at=now, database_url=urls[name],
                pki=base / "pki", agencies=agencies, configuration=configuration,
            )  # fmt: skip
        try:
            for node in nodes.values():
                node.start(timeout=start_timeout)
            network.publish()
            yield network
        finally:
            for node in nodes.values():
                node.stop()
            for database in network.databases.values():
                database.close()


def register_network(
    registry: DirectoryRegistry, pki: Pki, served: Mapping[str, Sequence[str]], ports: Mapping[str, int]
) -> None:
    """A new directory's registry holding the PKI's root, each node of ``served`` at its loopback
    port with its TLS certificate, and each agency's signing certificate bound to its code."""
    registry.initialize(actor="setup")
    registry.add_anchor(pki.root_path.read_text(encoding="ascii"), actor="setup")
    for name, codes in served.items():
        tls = pki.issued(name).cert_path.read_text(encoding="ascii")
        registry.add_node(
            name, f"https://127.0.0.1:{ports[name]}", serves=codes, tls_certificate_pem=tls, actor="setup"
        )
        for code in codes:
            registry.bind_certificate(
                code, pki.issued(code).cert_path.read_text(encoding="ascii"), actor="setup"
            )
