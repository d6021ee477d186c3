"""A whole network on loopback for the demo: a PKI, a directory and three nodes, each its own
process (``lienthong directory serve``, ``lienthong node serve``), over real mutual TLS.

Ports are found free at start (bound to port 0, then released and handed to the process), so
the directory can publish every node's endpoint before the nodes start.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.api import add_client
from lienthong.demo._process import Process, free_port
from lienthong.directory import DirectoryEntryUnknown, DirectoryRegistry, generate_directory_key
from lienthong.directory._signing import private_key_pem
from lienthong.node import NodeHome, init_home
from lienthong.store import migrate
from lienthong.trust import Pki, private_directory, private_files


@dataclass(frozen=True, slots=True)
class NodePlan:
    """One node of the demo network: its name, the agencies it serves (the first is its own)."""

    name: str
    title: str
    agencies: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.agencies)


_HANOI_DEPARTMENTS = (
    ("000.00.12.H26", "Sở Nội vụ thành phố Hà Nội"),
    ("000.00.01.H26", "Văn phòng UBND thành phố Hà Nội"),
    ("000.00.02.H26", "Sở Tài chính thành phố Hà Nội"),
    ("000.00.03.H26", "Sở Xây dựng thành phố Hà Nội"),
    ("000.00.04.H26", "Sở Giáo dục và Đào tạo thành phố Hà Nội"),
    ("000.00.05.H26", "Sở Y tế thành phố Hà Nội"),
    ("000.00.06.H26", "Sở Tư pháp thành phố Hà Nội"),
    ("000.00.07.H26", "Sở Công Thương thành phố Hà Nội"),
)
PLAN = (
    NodePlan("vpcp", "Văn phòng Chính phủ", (("000.00.00.G22", "Văn phòng Chính phủ"),)),
    NodePlan("bo-noi-vu", "Bộ Nội vụ", (("000.00.00.G09", "Bộ Nội vụ"),)),
    NodePlan(
        "ha-noi",
        "UBND Thành phố Hà Nội",
        (("000.00.00.H26", "UBND thành phố Hà Nội"), *_HANOI_DEPARTMENTS),
    ),
)


@dataclass
class RunningNode:
    plan: NodePlan
    home: Path
    process: Process
    token: str
    systemid: str
    secret: str
    url: str = ""
    api_url: str = ""


@dataclass
class DemoNetwork:
    """The running network; ``stop()`` ends every process."""

    state: Path
    root: Path
    anchor: Path
    directory: Process
    nodes: list[RunningNode]
    directory_url: str = ""

    def describe(self) -> dict[str, Any]:
        """``network.json``: where everything is and how to call it."""
        return {
            "directory": {"url": self.directory_url, "anchor": str(self.anchor)},
            "trust_anchor": str(self.root),
            "nodes": [
                {
                    "name": n.plan.name,
                    "url": n.url,
                    "home": str(n.home),
                    "agencies": list(n.plan.codes),
                    "api": {"base_url": n.api_url, "token": n.token},
                    "vxp": {
                        "endpoint": f"{n.api_url}/vxp",
                        "systemid": n.systemid,
                        "secret": n.secret,
                        "agency": n.plan.codes[0],
                    },
                }
                for n in self.nodes
            ],
        }

    def write(self) -> Path:
        """``network.json``: every node's API token and VXP secret, so its owner's only."""
        path = self.state / "network.json"
        with private_files():
            path.write_text(
                json.dumps(self.describe(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        os.chmod(path, 0o600)  # an earlier run's file keeps its mode when rewritten
        return path

    def stop(self) -> None:
        for node in self.nodes:
            node.process.stop()
        self.directory.stop()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "lienthong.cli", *args]


def _pem(pki: Pki, name: str) -> str:
    return pki.issued(name).certificate.public_bytes(Encoding.PEM).decode("ascii")


def _directory(state: Path, pki: Pki, ports: dict[str, int], *, at: datetime) -> Process:
    home = private_directory(state / "directory")
    key = generate_directory_key("lienthong demo directory", not_before=at)
    (home / "signing.key.pem").write_bytes(private_key_pem(key))
    (home / "signing.pem").write_bytes(key.certificate.public_bytes(Encoding.PEM))
    tls = pki.issue_node("directory", at=at)
    (home / "tls.fullchain.pem").write_bytes(tls.cert_path.read_bytes() + pki.issuing_path.read_bytes())
    url = f"https://127.0.0.1:{ports['directory']}"
    (state / "anchor.json").write_text(key.anchor(directory="demo", url=url).to_json(), encoding="utf-8")
    database = f"sqlite:///{home / 'directory.db'}"
    with DirectoryRegistry.open(database) as registry:
        registry.initialize(actor="demo")
        registry.add_anchor(pki.root_path.read_text(encoding="ascii"), actor="demo")
        for plan in PLAN:
            for code, name in plan.agencies:
                try:
                    registry.agency(code)
                except DirectoryEntryUnknown:
                    registry.add_agency(code, actor="demo", name=name, valid_from=at.date())
                registry.bind_certificate(code, _pem(pki, code), actor="demo")
            registry.add_node(
                plan.name, f"https://127.0.0.1:{ports[plan.name]}", actor="demo",
                serves=plan.codes[:1], tls_certificate_pem=_pem(pki, plan.name),
            )  # fmt: skip
    return Process(
        "directory",
        _cli(
            "directory",
            "serve",
            "--key",
            str(home / "signing.key.pem"),
            "--cert",
            str(home / "signing.pem"),
            "--tls-cert",
            str(home / "tls.fullchain.pem"),
            "--tls-key",
            str(tls.key_path),
            "--client-anchors",
            str(pki.root_path),
            "--db",
            database,
            "--home",
            str(home),
            "--name",
            "demo",
            "--port",
            str(ports["directory"]),
        ),
        state / "directory.log",
    )


def _node(
    state: Path, plan: NodePlan, ports: dict[str, int], directory_url: str, *, at: datetime
) -> RunningNode:
    home = state / plan.name
    init_home(
        home, name=plan.name, anchor=state / "anchor.json", at=at, pki=state / "pki",
        agencies=plan.codes, directory_url=directory_url, directory_tls_anchors=Pki(state / "pki").root_path,
    )  # fmt: skip
    database = NodeHome.load(home).open_database()
    try:
        migrate(database)
        rest = add_client(database, "qlvb", codes=list(plan.codes), at=at)
        vxp = add_client(database, "qlvb-vxp", codes=list(plan.codes), at=at, vxp_systemid=plan.name)
    finally:
        database.close()
    assert rest.token is not None
    assert vxp.systemid is not None
    assert vxp.secret is not None
    process = Process(
        plan.name,
        _cli(
            "node",
            "serve",
            "--home",
            str(home),
            "--port",
            str(ports[plan.name]),
            "--retry-base",
            "0.5",
            "--retry-cap",
            "5",
            "--workers",
            "4",
            "--public-docs",  # the demo prints each node's /docs link for a browser, which sends no token
        ),
        state / f"{plan.name}.log",
    )
    return RunningNode(plan, home, process, rest.token, vxp.systemid, vxp.secret)


def start_network(state: Path) -> DemoNetwork:
    """Build everything under ``state`` (its owner's only: keys, databases, logs and tokens) and
    start the directory, then the nodes; they make their own files private as they serve."""
    private_directory(state)
    with private_files():
        return _start(state)


def _start(state: Path) -> DemoNetwork:
    at = datetime.now(UTC) - timedelta(days=1)
    pki = Pki.init(state / "pki", at=at, name="Lienthong Demo")
    for plan in PLAN:
        pki.issue_node(plan.name, at=at)
        for code, name in plan.agencies:
            pki.issue_agency(code, name, at=at)
    ports = {"directory": free_port(), **{plan.name: free_port() for plan in PLAN}}
    directory = _directory(state, pki, ports, at=at)
    network = DemoNetwork(state, pki.root_path, state / "anchor.json", directory, [])
    try:
        network.directory_url = directory.start(lines=1)[0]
        for plan in PLAN:
            network.nodes.append(_node(state, plan, ports, network.directory_url, at=at))
        for node in network.nodes:
            node.url, node.api_url = node.process.start(lines=2)
    except BaseException:
        network.stop()
        raise
    return network
