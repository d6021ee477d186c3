"""A whole network on loopback for the demo: a PKI, a directory and three nodes, each its own
process (``lienthong directory serve``, ``lienthong node serve``), over real mutual TLS.

Ports are found free at start (bound to port 0, then released and handed to the process), so
the directory can publish every node's endpoint before the nodes start. A state directory that
already holds a network (``network.json``) is resumed instead: the same PKI, databases, users
and ports, the processes started again. Nodes report statistics every few seconds, so the
portal shows the demo's traffic moments after it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import Message, msg
from lienthong.api import add_client
from lienthong.demo._logins import PORTAL_ADMIN, ConsoleLogin, add_console_users, add_portal_admin
from lienthong.demo._process import Process, free_port
from lienthong.directory import DirectoryEntryUnknown, DirectoryRegistry, generate_directory_key
from lienthong.directory._signing import private_key_pem
from lienthong.errors import NodeError
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


#: Seconds between a demo node's statistics reports: the portal follows the traffic closely.
STATISTICS_INTERVAL: Final = 5


@dataclass
class RunningNode:
    plan: NodePlan
    home: Path
    process: Process
    token: str
    systemid: str
    secret: str
    logins: list[ConsoleLogin] = field(default_factory=list)
    url: str = ""
    api_url: str = ""

    @property
    def console_url(self) -> str:
        return f"{self.api_url}/console/"


@dataclass
class DemoNetwork:
    """The running network; ``stop()`` ends every process."""

    state: Path
    root: Path
    anchor: Path
    directory: Process
    nodes: list[RunningNode]
    directory_url: str = ""
    #: The portal admin's bearer token (their login).
    portal_token: str = ""
    #: Started again from an earlier run's state.
    resumed: bool = False
    #: Document numbers the demo's traffic used so far: the same number sent again the same day
    #: with other content is refused, so a resumed network numbers on.
    numbered: int = 0

    @property
    def portal_url(self) -> str:
        return f"{self.directory_url}/portal/"

    def describe(self) -> dict[str, Any]:
        """``network.json``: where everything is and how to call it, logins included."""
        return {
            "directory": {"url": self.directory_url, "anchor": str(self.anchor)},
            "portal": {"url": self.portal_url, "admin": PORTAL_ADMIN, "token": self.portal_token},
            "trust_anchor": str(self.root),
            "numbered": self.numbered,
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
                    "console": {"url": n.console_url, "users": [login.to_json() for login in n.logins]},
                }
                for n in self.nodes
            ],
        }

    def write(self) -> Path:
        """``network.json``: every node's API token, VXP secret and passwords, so its owner's only."""
        path = self.state / "network.json"
        if path.exists():  # an earlier run's file keeps its mode when rewritten: private first
            os.chmod(path, 0o600)
        with private_files():
            path.write_text(
                json.dumps(self.describe(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        return path

    def stop(self) -> None:
        for node in self.nodes:
            node.process.stop()
        self.directory.stop()


#: A process not started yet: ``stop()`` on it does nothing.
_NOT_STARTED: Final = Process("", [], Path(os.devnull))


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "lienthong.cli", *args]


def _pem(pki: Pki, name: str) -> str:
    return pki.issued(name).certificate.public_bytes(Encoding.PEM).decode("ascii")


def _init_directory(state: Path, pki: Pki, ports: dict[str, int], *, at: datetime) -> str:
    """The directory's keys, anchor and registry, and the portal admin; returns their token."""
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
    return add_portal_admin(home, at=at)


def _directory(state: Path, pki: Pki, ports: dict[str, int]) -> Process:
    home = state / "directory"
    database = f"sqlite:///{home / 'directory.db'}"
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
            str(pki.issued("directory").key_path),
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


def _init_node(state: Path, plan: NodePlan, directory_url: str, *, at: datetime) -> RunningNode:
    """The node's home, database, API clients and console users (its process is set on start)."""
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
    logins = add_console_users(home, plan.codes, node=plan.name)
    return RunningNode(plan, home, _NOT_STARTED, rest.token, vxp.systemid, vxp.secret, logins)


def _node(state: Path, plan: NodePlan, ports: dict[str, int], interval: float) -> Process:
    home = state / plan.name
    return Process(
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
            "--statistics-interval",
            str(interval),
        ),
        state / f"{plan.name}.log",
    )


def start_network(state: Path, *, statistics_interval: float = STATISTICS_INTERVAL) -> DemoNetwork:
    """Build everything under ``state`` (its owner's only: keys, databases, logs and tokens) and
    start the directory, then the nodes; they make their own files private as they serve. A
    ``state`` holding a network already is resumed (``NodeError`` in one line if it cannot be)."""
    private_directory(state)
    with private_files():
        network, ports = _resume(state) if (state / "pki").exists() else _start(state)
        _run(network, ports, statistics_interval)
        return network


def _start(state: Path) -> tuple[DemoNetwork, dict[str, int]]:
    """A new network in ``state`` (not started yet); with the ports it is to listen on."""
    at = datetime.now(UTC) - timedelta(days=1)
    pki = Pki.init(state / "pki", at=at, name="Lienthong Demo")
    for plan in PLAN:
        pki.issue_node(plan.name, at=at)
        for code, name in plan.agencies:
            pki.issue_agency(code, name, at=at)
    ports = {"directory": free_port(), **{plan.name: free_port() for plan in PLAN}}
    token = _init_directory(state, pki, ports, at=at)
    directory_url = f"https://127.0.0.1:{ports['directory']}"
    nodes = [_init_node(state, plan, directory_url, at=at) for plan in PLAN]
    network = DemoNetwork(
        state, pki.root_path, state / "anchor.json", _NOT_STARTED, nodes, portal_token=token
    )
    return network, ports


def _cannot_resume(state: Path, why: Message) -> NodeError:
    return NodeError(msg("demo-cannot-resume", path=state, reason=why))


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].rstrip("/"))


def _kept_node(state: Path, plan: NodePlan, kept: dict[str, Any]) -> RunningNode:
    users = [ConsoleLogin.from_json(user) for user in kept["console"]["users"]]
    api, vxp = kept["api"], kept["vxp"]
    return RunningNode(
        plan, state / plan.name, _NOT_STARTED, api["token"], vxp["systemid"], vxp["secret"], users
    )


def _check_free(state: Path, ports: dict[str, int]) -> None:
    for name, port in ports.items():
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind(("127.0.0.1", port))
        except OSError:
            raise NodeError(msg("demo-port-taken", port=port, name=name, path=state)) from None


def _resume(state: Path) -> tuple[DemoNetwork, dict[str, int]]:
    """The network kept in ``state`` by an earlier run, on the ports it had (the directory
    published them in the signed configuration and the anchor names its own)."""
    try:
        described = json.loads((state / "network.json").read_text(encoding="utf-8"))
        kept = {node["name"]: node for node in described["nodes"]}
        nodes = [_kept_node(state, plan, kept[plan.name]) for plan in PLAN]
        ports = {"directory": _port(described["directory"]["url"])}
        ports.update({plan.name: _port(kept[plan.name]["url"]) for plan in PLAN})
        token = str(described["portal"]["token"])
        numbered = int(described.get("numbered", 0))
    except FileNotFoundError:
        raise _cannot_resume(state, msg("demo-resume-no-network-file")) from None
    except (ValueError, KeyError, TypeError, IndexError):
        raise _cannot_resume(state, msg("demo-resume-network-file-unreadable")) from None
    _check_free(state, ports)
    pki = Pki(state / "pki")
    network = DemoNetwork(
        state, pki.root_path, state / "anchor.json", _NOT_STARTED, nodes, portal_token=token, resumed=True,
        numbered=numbered,
    )  # fmt: skip
    return network, ports


def _run(network: DemoNetwork, ports: dict[str, int], interval: float) -> None:
    """Start the directory, then the nodes; on any failure, stop what started."""
    state = network.state
    network.directory = _directory(state, Pki(state / "pki"), ports)
    try:
        network.directory_url = network.directory.start(lines=1)[0]
        for node in network.nodes:
            node.process = _node(state, node.plan, ports, interval)
            node.url, node.api_url = node.process.start(lines=2)
    except BaseException:
        network.stop()
        raise
