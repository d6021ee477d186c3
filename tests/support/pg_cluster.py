"""Throwaway PostgreSQL servers on loopback: a primary with a synchronous streaming standby,
failover by ``kill -9`` and ``pg_ctl promote``, and pgBackRest continuous archiving with a
point-in-time restore into a new data directory.

PostgreSQL 15's tools (``initdb``, ``pg_ctl``, ``pg_basebackup``) refuse to run as root: when
the tests run as root, every command runs as the ``postgres`` user (``runuser -u postgres --``)
in a temporary directory owned by it. Servers listen on 127.0.0.1 only, on free ports, with
their sockets in that directory; ``pg_cluster`` stops them all and deletes the directory.
``fsync=off``: a killed process loses nothing the operating system holds, and that is the
failure simulated here (not a power loss).

    with pg_cluster(standby=True) as cluster:
        url = cluster.url("lienthong")          # both servers, target_session_attrs=read-write
        cluster.primary.kill(); cluster.standby.promote()

``PgCluster.restore_to`` chains with a node's own resync (#19): the restored server is a new
``PgServer`` whose URL a node home can be given.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

BIN = Path(os.environ.get("LIENTHONG_PG_BIN", "/usr/lib/postgresql/15/bin"))
#: The operating-system user the servers run as when the tests run as root.
OWNER = "postgres"
#: Bound on every wait here (a server starting, a standby catching up), in seconds.
WAIT_S = 60.0


def available() -> str | None:
    """Why these servers cannot run here (None when they can): the tests skip with it."""
    for tool in ("initdb", "pg_ctl", "pg_basebackup"):
        if not (BIN / tool).exists():
            return f"{BIN / tool} not installed (scripts/install-system-deps.sh installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(OWNER)
        except KeyError:
            return f"no {OWNER} user to run PostgreSQL as"
    return None


def _as_owner(command: Sequence[str]) -> list[str]:
    return ["runuser", "-u", OWNER, "--", *command] if os.geteuid() == 0 else list(command)


def run(command: Sequence[str], *, timeout: float = WAIT_S) -> str:
    """Run ``command`` as the servers' owner; its output (it must succeed)."""
    done = subprocess.run(_as_owner(command), capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PgServer:
    """One server: its data directory, port and log."""

    name: str
    data: Path
    port: int
    socket_dir: Path
    running: bool = False

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.name}.log"

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def configure(self, settings: dict[str, str]) -> None:
        """Append settings to its ``postgresql.conf`` (later lines win)."""
        _append(self, settings)

    def start(self) -> None:
        run(
            [
                str(BIN / "pg_ctl"),
                "start",
                "-w",
                "-t",
                str(int(WAIT_S)),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
            ]
        )
        self.running = True

    def stop(self) -> None:
        if self.running:
            run([str(BIN / "pg_ctl"), "stop", "-m", "immediate", "-w", "-D", str(self.data)])
            self.running = False

    def kill(self) -> None:
        """``kill -9`` of the postmaster and every backend: the host is gone, mid-transaction."""
        pid = int((self.data / "postmaster.pid").read_text(encoding="ascii").split()[0])
        victims = [pid, *_children(pid)]
        for victim in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        self.running = False
        (self.data / "postmaster.pid").unlink(missing_ok=True)

    def promote(self) -> None:
        run([str(BIN / "pg_ctl"), "promote", "-w", "-t", str(int(WAIT_S)), "-D", str(self.data)])

    def sql(self, statement: str, *, database: str = "postgres") -> list[tuple[object, ...]]:
        with psycopg.connect(self.dsn(database), autocommit=True, connect_timeout=10) as connection:
            cursor = connection.execute(statement.encode())
            return list(cursor.fetchall()) if cursor.description else []


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in task.read_text(encoding="ascii").split()]
    return found


@dataclass
class PgCluster:
    """A primary, maybe a synchronous standby, maybe a pgBackRest repository."""

    base: Path
    primary: PgServer
    standby: PgServer | None = None
    #: The pgBackRest configuration file when archiving is on.
    backrest: Path | None = None
    others: list[PgServer] = field(default_factory=list)

    def url(self, database: str, *, query: str = "") -> str:
        """A node's database URL naming every server in libpq's multi-host form, writes going
        to the one that accepts them; ``query`` adds parameters."""
        hosts = ",".join(f"127.0.0.1:{s.port}" for s in (self.primary, self.standby) if s is not None)
        extra = f"&{query}" if query else ""
        return f"postgresql+psycopg://postgres@{hosts}/{database}?target_session_attrs=read-write{extra}"

    def create_database(self, name: str) -> None:
        self.primary.sql(f'CREATE DATABASE "{name}"')

    def backrest_run(self, *arguments: str, timeout: float = 120) -> str:
        assert self.backrest is not None, "the cluster was made without archive=True"
        return run(["pgbackrest", f"--config={self.backrest}", "--stanza=lt", *arguments], timeout=timeout)

    def backup(self) -> None:
        """A full pgBackRest backup of the primary (the stanza was made when archiving began)."""
        self.backrest_run("--type=full", "backup")

    def restore_to(self, *, target: str, kind: str = "name") -> PgServer:
        """A new server restored from the repository up to ``target`` (a restore point's name,
        or a time with ``kind="time"``), promoted at the target, started and returned."""
        name = f"restored{len(self.others) + 1}"
        server = PgServer(name, self.base / name, free_port(), self.base)
        run(["mkdir", "-m", "0700", str(server.data)])
        self.backrest_run(
            f"--pg1-path={server.data}", f"--type={kind}", f"--target={target}", "--target-action=promote",
            "restore",
        )  # fmt: skip
        server.configure({"port": str(server.port), "archive_mode": "off"})
        self.others.append(server)
        server.start()
        _wait(
            lambda: server.sql("SELECT pg_is_in_recovery()")[0][0] is False,
            what="the restored server's promotion",
        )
        return server

    def wait_synchronous(self) -> None:
        """Until the standby streams and the primary treats it as synchronous."""

        def streaming() -> bool:
            rows = self.primary.sql("SELECT sync_state FROM pg_stat_replication")
            return bool(rows) and rows[0][0] in ("sync", "quorum")

        _wait(streaming, what="the synchronous standby")


def _wait(check: Callable[[], bool], *, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while True:
        with contextlib.suppress(psycopg.Error):
            if check():
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready within {WAIT_S} s")
        time.sleep(0.1)


_BACKREST_CONF = """[global]
repo1-path={base}/repo
repo1-retention-full=2
log-path={base}/backrest-log
lock-path={base}/backrest-lock
log-level-console=warn
log-level-file=info
start-fast=y
archive-async=n

[lt]
pg1-path={data}
pg1-port={port}
pg1-socket-path={base}
pg1-user=postgres
"""


@contextlib.contextmanager
def pg_cluster(*, standby: bool = True, archive: bool = False) -> Iterator[PgCluster]:
    """A primary (and, with ``standby``, a synchronous streaming standby; with ``archive``,
    WAL archived by pgBackRest into a repository in the same directory, stanza made), started;
    everything stopped and deleted after."""
    base = Path(tempfile.mkdtemp(prefix="lienthong-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, OWNER, OWNER)
    base.chmod(0o700)
    primary = PgServer("primary", base / "primary", free_port(), base)
    cluster = PgCluster(base, primary)
    try:
        run([str(BIN / "initdb"), "-D", str(primary.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
             "--no-sync", "--no-instructions"])  # fmt: skip
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(primary.port),
            "unix_socket_directories": str(base),
            "wal_level": "replica",
            "max_wal_senders": "5",
            "hot_standby": "on",
            "fsync": "off",
            "wal_keep_size": "256MB",
            "shared_buffers": "32MB",
        }
        if standby:
            settings["synchronous_standby_names"] = "*"
        if archive:
            cluster.backrest = base / "pgbackrest.conf"
            text = _BACKREST_CONF.format(base=base, data=primary.data, port=primary.port)
            run(["sh", "-c", f"umask 077 && cat > '{cluster.backrest}' <<'EOF'\n{text}EOF"])
            settings["archive_mode"] = "on"
            settings["archive_command"] = (
                f"pgbackrest --config={cluster.backrest} --stanza=lt archive-push %p"
            )
        primary.configure(settings)
        primary.start()
        if archive:
            cluster.backrest_run("stanza-create")
        if standby:
            replica = PgServer("standby", base / "standby", free_port(), base)
            run([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                 "-D", str(replica.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"])  # fmt: skip
            # Once promoted it has no standby of its own: waiting for one would hang every
            # commit (Patroni's synchronous_mode makes the same switch).
            replica.configure(
                {"port": str(replica.port), "archive_mode": "off", "synchronous_standby_names": ""}
            )
            cluster.standby = replica
            replica.start()
            cluster.wait_synchronous()
        yield cluster
    finally:
        for server in (primary, cluster.standby, *cluster.others):
            if server is not None:
                with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                    server.stop()
        shutil.rmtree(base, ignore_errors=True)


def _append(server: PgServer, settings: dict[str, str]) -> None:
    lines = "".join(f"{key} = '{value}'\n" for key, value in settings.items())
    run(["sh", "-c", f"cat >> '{server.data / 'postgresql.conf'}' <<'EOF'\n{lines}EOF"])
