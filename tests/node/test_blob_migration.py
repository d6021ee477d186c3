"""Which blob store a node uses (``node.json`` ``"blobs"``) and ``node blobs migrate`` moving
its blobs both ways: everything arrives checked, the settings switch only once all is there,
the source is emptied after; an interrupted run (an error, or ``kill -9`` mid-way) is finished
by running it again, nothing lost; a serving node and a migration exclude each other."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lienthong._i18n import Message
from lienthong.errors import LienthongError
from lienthong.node import NodeError, NodeHome, migrate_blobs
from lienthong.store import (
    BlobCopied,
    BlobsBusy,
    BlobStorage,
    BlobStore,
    DatabaseBlobStore,
    migrating_blobs,
    serving_blobs,
)
from support.databases import empty_database_url

MIB = 1 << 20


def _code(error: LienthongError) -> str:
    assert isinstance(error.message, Message)
    return error.message.code


def _home(folder: Path, database_url: str, **settings: object) -> NodeHome:
    """A home with only what blob handling reads (no keys are loaded here)."""
    folder.mkdir(mode=0o700, exist_ok=True)
    document = {"name": "vpcp", "database": database_url, "key": "tls.key.pem", "certificate": "tls.pem"}
    (folder / "node.json").write_text(json.dumps({**document, **settings}), encoding="utf-8")
    return NodeHome.load(folder)


@pytest.fixture
def postgresql_url(tmp_path: Path) -> Iterator[str]:
    with empty_database_url("postgresql", tmp_path) as url:
        yield url


def _fill(store: BlobStorage, count: int, size: int) -> dict[str, bytes]:
    """``count`` blobs of ``size`` bytes (no two alike): digest → bytes."""
    blobs = {}
    for number in range(count):
        data = number.to_bytes(4, "big") + os.urandom(size - 4)
        blobs[store.put_bytes(data).sha256] = data
    return blobs


def _holds(store: BlobStorage, blobs: dict[str, bytes]) -> bool:
    return sorted(store.digests()) == sorted(blobs) and all(
        b"".join(store.read_verified(digest)) == data for digest, data in blobs.items()
    )


def test_a_home_without_the_key_keeps_the_file_system_and_postgresql_needs_postgresql(tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'node.db'}"
    home = _home(tmp_path / "old", sqlite)
    assert home.blob_backend == "filesystem"
    assert json.loads(home.to_json())["blobs"] == "filesystem"
    with pytest.raises(NodeError) as refused:
        _home(tmp_path / "wrong", sqlite, blobs="postgresql")
    assert _code(refused.value) == "node-blobs-need-postgresql"
    with pytest.raises(NodeError) as unknown:
        _home(tmp_path / "unknown", sqlite, blobs="s3")
    assert _code(unknown.value) == "node-blobs-backend-unknown"
    with pytest.raises(NodeError):
        migrate_blobs(home, "postgresql")


def test_migrate_to_postgresql_and_back(tmp_path: Path, postgresql_url: str) -> None:
    home = _home(tmp_path / "home", postgresql_url)  # written before the key existed: filesystem
    with home.open_database() as database:
        files = home.blobs(database)
        assert isinstance(files, BlobStore)
        blobs = _fill(files, 4, 1000) | _fill(files, 1, 3 * MIB + 7)  # one of several chunks
    steps: list[BlobCopied] = []

    moved = migrate_blobs(home, "postgresql", progress=steps.append)

    assert (moved.copied, moved.removed) == (5, 5)
    assert [step.done for step in steps] == [1, 2, 3, 4, 5] and steps[-1].total == 5
    home = NodeHome.load(home.home)
    assert home.blob_backend == "postgresql"
    with home.open_database() as database:
        in_database = home.blobs(database)
        assert isinstance(in_database, DatabaseBlobStore)
        assert _holds(in_database, blobs)
        assert list(home.blob_store("filesystem", database).digests()) == []

    back = migrate_blobs(home, "filesystem")

    assert (back.copied, back.removed) == (5, 5)
    home = NodeHome.load(home.home)
    assert home.blob_backend == "filesystem"
    with home.open_database() as database:
        assert _holds(home.blobs(database), blobs)
        assert list(home.blob_store("postgresql", database).digests()) == []
    again = migrate_blobs(home, "filesystem")  # nothing left to move: a no-op
    assert (again.copied, again.removed) == (0, 0)


def test_an_interrupted_migration_switches_nothing_and_is_finished_by_running_it_again(
    tmp_path: Path, postgresql_url: str
) -> None:
    home = _home(tmp_path / "home", postgresql_url)
    with home.open_database() as database:
        blobs = _fill(home.blobs(database), 6, 2000)

    def interrupt(step: BlobCopied) -> None:
        if step.done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        migrate_blobs(home, "postgresql", progress=interrupt)
    assert NodeHome.load(home.home).blob_backend == "filesystem"  # not switched: not all there
    with home.open_database() as database:
        assert _holds(home.blob_store("filesystem", database), blobs)  # nothing removed

    finished = migrate_blobs(home, "postgresql")

    assert finished.copied == 3  # the three copied before are not copied again
    home = NodeHome.load(home.home)
    assert home.blob_backend == "postgresql"
    with home.open_database() as database:
        assert _holds(home.blobs(database), blobs)
        assert list(home.blob_store("filesystem", database).digests()) == []


def _migrate_command(home: Path, to: str) -> list[str]:
    return [sys.executable, "-m", "lienthong.cli", "--lang", "en", "node", "blobs", "migrate", "--to", to,
            "--home", str(home)]  # fmt: skip


def test_a_migration_killed_mid_way_loses_nothing_and_finishes_when_run_again(
    tmp_path: Path, postgresql_url: str
) -> None:
    home = _home(tmp_path / "home", postgresql_url)
    with home.open_database() as database:
        blobs = _fill(home.blobs(database), 12, 2 * MIB)
    child = subprocess.Popen(_migrate_command(home.home, "postgresql"), stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    first = child.stderr.readline()  # the first blob is in the database: kill the run now
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    child.stderr.close()
    assert "1/12 blobs in place" in first, first
    with home.open_database() as database:
        assert _holds(home.blob_store("filesystem", database), blobs)  # the source untouched
        held = set(home.blob_store("postgresql", database).digests())
        assert held <= set(blobs)
    # The 12 were killed before the switch unless the run won the race to the end.
    assert NodeHome.load(home.home).blob_backend == ("postgresql" if len(held) == 12 else "filesystem")

    finished = migrate_blobs(NodeHome.load(home.home), "postgresql")  # run again (in process: quicker)

    assert finished.copied == 12 - len(held)
    home = NodeHome.load(home.home)
    assert home.blob_backend == "postgresql"
    with home.open_database() as database:
        assert _holds(home.blobs(database), blobs)
        assert list(home.blob_store("filesystem", database).digests()) == []


def test_a_serving_node_and_a_migration_exclude_each_other(tmp_path: Path, postgresql_url: str) -> None:
    home = _home(tmp_path / "home", postgresql_url)
    with home.open_database() as database:
        digest = home.blobs(database).put_bytes(b"kept").sha256
        with serving_blobs(database), serving_blobs(database):  # any number of processes serve
            with pytest.raises(BlobsBusy) as busy:
                migrate_blobs(home, "postgresql")
            assert _code(busy.value) == "store-blobs-serving"
        with migrating_blobs(database), pytest.raises(BlobsBusy) as migrating, serving_blobs(database):
            pass
        assert _code(migrating.value) == "store-blobs-migrating"
        assert digest in home.blobs(database)  # refused before anything moved
    assert migrate_blobs(home, "postgresql").copied == 1  # nothing serves now: it runs


def test_the_cli_refuses_in_one_line(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", f"sqlite:///{tmp_path / 'node.db'}")
    done = subprocess.run(_migrate_command(home.home, "postgresql"), capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0 and "PostgreSQL" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
