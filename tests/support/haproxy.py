"""HAProxy on loopback in front of the ``node serve`` processes of one node, run from the file
operators install (``deploy/haproxy/lienthong-node.cfg``), unchanged.

That file takes every address from the environment (``${NAME-default}``); ``Balancer`` sets
them to loopback ports and adds a small global section of its own (an admin socket in the
test's directory, logs to stderr), as Debian's ``haproxy.cfg`` does in production::

    with running_balancer(tmp_path, [Member(peer, api), Member(peer2, api2)]) as balancer:
        assert balancer.wait_states({"node1": "UP", "node2": "UP"})
        httpx.get(f"{balancer.api_url}/readyz", verify=anchors)
        first.stop()
        assert balancer.wait_states({"node1": "DOWN"}, backend="lienthong-api")

Servers are ``node1`` and ``node2`` in both backends (``lienthong-peer``, ``lienthong-api``),
in the order of ``members``. Waits poll the admin socket with a deadline; nothing asserts on time.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from lienthong.demo import free_port

#: The configuration operators install.
DEPLOYED: Final = Path(__file__).resolve().parents[2] / "deploy" / "haproxy" / "lienthong-node.cfg"
BACKENDS: Final = ("lienthong-peer", "lienthong-api")
HAPROXY: Final = shutil.which("haproxy") or "/usr/sbin/haproxy"

_GLOBAL = """\
global
    log stderr format short local0 info
    stats socket {socket} mode 600 level admin
    stats timeout 10s
"""


@dataclass(frozen=True, slots=True)
class Member:
    """One ``node serve`` process as the balancer reaches it (on 127.0.0.1)."""

    peer_port: int
    api_port: int


@dataclass
class Balancer:
    """HAProxy for ``members`` (two: the file names ``node1`` and ``node2``)."""

    base: Path
    members: Sequence[Member]
    peer_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    #: The admin socket, in a short directory of its own (a socket's path has 107 bytes at most).
    admin: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lt-haproxy-")) / "admin.sock")
    popen: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.base / "haproxy.log"

    @property
    def peer_url(self) -> str:
        return f"https://127.0.0.1:{self.peer_port}"

    @property
    def api_url(self) -> str:
        return f"https://127.0.0.1:{self.api_port}"

    def environment(self) -> dict[str, str]:
        """The variables ``DEPLOYED`` reads, all on loopback."""
        env = {
            "LIENTHONG_PEER_BIND": f"127.0.0.1:{self.peer_port}",
            "LIENTHONG_API_BIND": f"127.0.0.1:{self.api_port}",
        }
        for number, member in enumerate(self.members, start=1):
            env[f"LIENTHONG_NODE{number}_ADDR"] = "127.0.0.1"
            env[f"LIENTHONG_NODE{number}_PEER_PORT"] = str(member.peer_port)
            env[f"LIENTHONG_NODE{number}_API_PORT"] = str(member.api_port)
        return env

    def render(self) -> list[str]:
        """Write the global section; the ``-f`` arguments of a run (it, then ``DEPLOYED``)."""
        self.base.mkdir(parents=True, exist_ok=True)
        self.admin.parent.mkdir(mode=0o700, exist_ok=True)  # again after a check removed it
        head = self.base / "haproxy-global.cfg"
        head.write_text(_GLOBAL.format(socket=self.admin), encoding="ascii")
        return ["-f", str(head), "-f", str(DEPLOYED)]

    def check(self) -> subprocess.CompletedProcess[str]:
        """``haproxy -c`` on what ``start`` would run."""
        try:
            return subprocess.run(
                [HAPROXY, "-c", *self.render()],
                env={**os.environ, **self.environment()},
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
        finally:
            if self.popen is None:  # not running: its socket's directory goes
                shutil.rmtree(self.admin.parent, ignore_errors=True)

    def start(self) -> None:
        if len(self.members) != 2:
            raise ValueError("the deployed configuration names two servers")
        arguments = self.render()
        with self.log.open("ab") as log:
            # -db: in the foreground, so stopping the child stops HAProxy.
            self.popen = subprocess.Popen(
                [HAPROXY, "-db", *arguments],
                env={**os.environ, **self.environment()},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not self.admin.exists() and time.monotonic() < deadline and self.popen.poll() is None:
            time.sleep(0.05)
        if not self.admin.exists():
            self.stop()
            raise RuntimeError(f"haproxy did not start: {self.log.read_text(errors='replace')[-600:]}")

    def command(self, line: str) -> str:
        """One command on the admin socket (``show stat``, ``disable server …``), its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(10)
            sock.connect(str(self.admin))
            sock.sendall(line.encode("ascii") + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", errors="replace")

    def states(self) -> dict[tuple[str, str], str]:
        """(backend, server) → status as HAProxy sees it now (``UP``, ``DOWN``, ``UP 1/2``, …)."""
        lines = self.command("show stat").splitlines()
        if not lines or not lines[0].startswith("# "):
            return {}
        columns = lines[0][2:].split(",")
        name, server, status = columns.index("pxname"), columns.index("svname"), columns.index("status")
        found = {}
        for line in lines[1:]:
            cells = line.split(",")
            member = len(cells) > status and cells[server] not in ("BACKEND", "FRONTEND")
            if member and cells[name] in BACKENDS:
                found[(cells[name], cells[server])] = cells[status]
        return found

    def wait_states(
        self, wanted: Mapping[str, str], *, backend: str | None = None, timeout: float = 60.0
    ) -> bool:
        """Whether, before ``timeout``, each server of ``wanted`` (``node1`` → ``UP``) shows that
        status in ``backend`` (both backends when None)."""
        backends = BACKENDS if backend is None else (backend,)
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            if all(states.get((b, s)) == status for b in backends for s, status in wanted.items()):
                return True
            if time.monotonic() >= deadline or self.popen is None or self.popen.poll() is not None:
                return False
            time.sleep(0.2)

    def stop(self) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self.popen = None
        shutil.rmtree(self.admin.parent, ignore_errors=True)


@contextlib.contextmanager
def running_balancer(base: Path, members: Sequence[Member]) -> Iterator[Balancer]:
    """A started ``Balancer`` in ``base``, stopped after the block."""
    balancer = Balancer(base, members)
    balancer.start()
    try:
        yield balancer
    finally:
        balancer.stop()


def twin_home(home: Path, to: Path) -> Path:
    """Another home of the same node at ``to``: its settings, keys and database URL copied
    (paths in a home are relative to it), ``run/`` and ``spool/`` left for its own process to
    write. Blobs kept in the database (``"blobs": "postgresql"``) need nothing more: the database
    is the node's only state besides its keys; a filesystem node's blob directory is shared (a
    symbolic link: the processes of one node read each other's blobs)."""
    ignored = shutil.ignore_patterns("run", "spool", "blobs", "*.log")
    shutil.copytree(home, to, ignore=ignored, symlinks=True)
    settings = json.loads((home / "node.json").read_text(encoding="utf-8"))
    if settings.get("blobs", "filesystem") == "filesystem":
        shared = home / "blobs"
        shared.mkdir(mode=0o700, exist_ok=True)
        (to / "blobs").symlink_to(shared.resolve(), target_is_directory=True)
    return to
