"""Real directory servers on loopback for the tests: TLS from the test PKI (``support.pki.Tls``),
a settable clock, and a registry seeded as it was before the 2025 reorganisation."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.codes import CodeRegistry, default_registry
from lienthong.directory import (
    AdminFile,
    DirectoryKey,
    DirectoryRegistry,
    Scope,
    generate_directory_key,
)
from lienthong.directory._signing import private_key_pem
from lienthong.net import ServerThread
from lienthong.server import DirectoryService, DirectorySettings
from support.pki import Tls

DATA = resources.files("lienthong.codes") / "data"
REORG = Path(str(DATA / "reorg-2025.csv"))
#: The morning of 30 June 2025 in Vietnam: the last day before the 2025 merges.
BEFORE = datetime(2025, 6, 30, 1, 0, tzinfo=UTC)
#: The first morning after them.
AFTER = datetime(2025, 7, 1, 1, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand: ``clock()`` is now, ``clock.advance(...)`` moves on."""

    def __init__(self, now: datetime = BEFORE) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def pre_reorganisation() -> CodeRegistry:
    """The reference codes as they stood before the 2025 reorganisation: the merged codes open."""
    with REORG.open(encoding="utf-8") as stream:
        merged = {row["old_code"] for row in csv.DictReader(stream)}
    return CodeRegistry(
        dataclasses.replace(record, valid_to=None, successor=None, note=None)
        if record.code in merged
        else record
        for record in default_registry()
    )


def write_key(key: DirectoryKey, folder: Path) -> tuple[Path, Path]:
    key_path, cert_path = folder / "directory.key.pem", folder / "directory.pem"
    key_path.write_bytes(private_key_pem(key))
    cert_path.write_bytes(key.certificate.public_bytes(Encoding.PEM))
    return key_path, cert_path


@dataclass
class Directory:
    """A running directory: its service, its server thread, its admins' tokens."""

    service: DirectoryService
    server: ServerThread
    key: DirectoryKey
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def registry(self) -> DirectoryRegistry:
        return self.service.registry


@contextmanager
def running_directory(
    database_url: str,
    folder: Path,
    tls: Tls,
    *,
    clock: Clock,
    key: DirectoryKey | None = None,
    name: str = "lienthong",
    valid_for: timedelta = timedelta(hours=72),
    seed: CodeRegistry | None = None,
) -> Iterator[Directory]:
    """A directory served over TLS on a free loopback port, with two admins: ``alice`` (agencies
    and nodes) and ``auditor`` (audit only)."""
    key = key or generate_directory_key(f"{name} directory", not_before=datetime(2025, 1, 1, tzinfo=UTC))
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = write_key(key, folder)
    admins = AdminFile.in_home(folder)
    tokens = {
        "alice": admins.add(
            "alice", frozenset({Scope.AGENCIES_WRITE, Scope.NODES_WRITE, Scope.AUDIT_READ}), at=clock()
        )[1],
        "auditor": admins.add("auditor", frozenset({Scope.AUDIT_READ}), at=clock())[1],
    }
    settings = DirectorySettings(
        database_url=database_url,
        home=folder,
        signing_key=key_path,
        signing_certificate=cert_path,
        tls_certificate=tls.server[0],
        tls_key=tls.server[1],
        client_anchors=tls.root,
        directory=name,
        valid_for=valid_for,
    )
    with DirectoryService(settings, clock=clock) as service:
        service.registry.initialize(actor="setup", seed=seed)
        server = service.start()
        try:
            assert not server.errors, server.errors
            yield Directory(service, server, key, tokens)
        finally:
            server.stop()
