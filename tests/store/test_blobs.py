"""The content-addressed blob stores: streaming puts, idempotence, integrity, no path tricks.

The contract (``BlobStorage``) is pinned on both stores: the file store, and the database store
on SQLite and on PostgreSQL; what only the file store does (fsyncs, descriptors, directories)
after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from lienthong.store import (
    BlobCorrupt,
    BlobNotFound,
    BlobStorage,
    BlobStore,
    Database,
    DatabaseBlobStore,
    _blobs,
    migrate,
    open_database,
)
from lienthong.store._database_blobs import CHUNK_BYTES
from support.databases import empty_database_url

STORES = ("filesystem", "database-sqlite", "database-postgresql")


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Database]]:
    """Backend → a migrated database, made once per module (migrating costs seconds)."""
    with contextlib.ExitStack() as stack:
        opened: dict[str, Database] = {}

        def database(backend: str) -> Database:
            if backend not in opened:
                url = stack.enter_context(empty_database_url(backend, tmp_path_factory.mktemp(backend)))
                opened[backend] = stack.enter_context(open_database(url))
                migrate(opened[backend])
            return opened[backend]

        yield database


@pytest.fixture(params=STORES)
def blobs(
    request: pytest.FixtureRequest, tmp_path: Path, databases: Callable[[str], Database]
) -> BlobStorage:
    """An empty store of each kind (see ``STORES``)."""
    kind = str(request.param)
    if kind == "filesystem":
        return BlobStore(tmp_path / "blobs")
    database = databases(kind.removeprefix("database-"))
    with database.engine.begin() as connection:
        connection.execute(text("DELETE FROM blob_chunks"))
        connection.execute(text("DELETE FROM blob_objects"))
    return DatabaseBlobStore(database, tmp_path / "spool")


def _tamper(store: BlobStorage, sha256: str, data: bytes) -> None:
    """Change a stored blob's bytes behind the store's back."""
    if isinstance(store, BlobStore):
        store.path(sha256).write_bytes(data)
        return
    assert isinstance(store, DatabaseBlobStore)
    with store.database.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE blob_chunks SET data = :data WHERE seq = 0 AND object_id ="
                " (SELECT id FROM blob_objects WHERE sha256 = :digest)"
            ),
            {"data": data, "digest": sha256},
        )


def test_put_names_the_blob_by_its_sha256_and_reads_back(blobs: BlobStorage) -> None:
    data = os.urandom(2 * CHUNK_BYTES + 12_345)  # several chunks of either store, a partial last
    ref = blobs.put(io.BytesIO(data))
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert ref.sha256 in blobs
    with blobs.open(ref.sha256) as stream:
        assert stream.read(10) == data[:10]
        assert stream.read() == data[10:]
    assert b"".join(blobs.read_verified(ref.sha256)) == data
    assert blobs.size(ref.sha256) == len(data)


def test_the_file_store_names_the_file_by_the_digest(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    ref = store.put_bytes(b"van ban")
    assert store.path(ref.sha256).name == ref.sha256


def test_an_empty_blob_is_a_blob(blobs: BlobStorage) -> None:
    ref = blobs.put([])
    assert ref.size == 0 and ref.sha256 in blobs
    assert b"".join(blobs.read_verified(ref.sha256)) == b""


def test_put_is_idempotent_and_leaves_no_temporary_files(blobs: BlobStorage) -> None:
    first = blobs.put_bytes(b"abc")
    second = blobs.put([b"a", b"bc"])
    assert first == second
    assert list(blobs.digests()) == [first.sha256]
    assert list(blobs.temporary.iterdir()) == []


def test_the_file_store_keeps_the_first_file(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    first = store.put_bytes(b"abc")
    mtime = store.path(first.sha256).stat().st_mtime_ns
    store.put([b"a", b"bc"])
    assert store.path(first.sha256).stat().st_mtime_ns == mtime


def test_expected_digest_mismatch_stores_nothing(blobs: BlobStorage) -> None:
    with pytest.raises(BlobCorrupt) as caught:
        blobs.put([b"abc"], expected_sha256="00" * 32)
    assert caught.value.actual == hashlib.sha256(b"abc").hexdigest()
    assert caught.value.actual not in blobs
    assert list(blobs.digests()) == []
    assert list(blobs.temporary.iterdir()) == []


def test_a_failing_source_leaves_no_blob(blobs: BlobStorage) -> None:
    def chunks() -> object:
        yield b"partial" * CHUNK_BYTES  # past a database chunk: some rows were written
        raise OSError("source went away")

    with pytest.raises(OSError, match="went away"):
        blobs.put(chunks())  # type: ignore[arg-type]
    assert list(blobs.temporary.iterdir()) == []
    assert list(blobs.digests()) == []


def test_missing_and_malformed_digests(blobs: BlobStorage) -> None:
    with pytest.raises(BlobNotFound):
        blobs.open("0" * 64)
    with pytest.raises(BlobNotFound):
        blobs.size("0" * 64)
    with pytest.raises(BlobNotFound):
        blobs.open("../../etc/passwd")
    assert "../x" not in blobs
    assert 5 not in blobs
    assert not blobs.delete("0" * 64)


def test_corruption_is_detected_when_read_verified(blobs: BlobStorage) -> None:
    ref = blobs.put_bytes(b"original")
    _tamper(blobs, ref.sha256, b"tampered")
    with pytest.raises(BlobCorrupt):
        b"".join(blobs.read_verified(ref.sha256))


def test_delete_removes_only_that_blob_and_digests_lists_in_order(blobs: BlobStorage) -> None:
    refs = [blobs.put_bytes(b"blob %d" % number) for number in range(5)]
    assert list(blobs.digests()) == sorted(ref.sha256 for ref in refs)
    assert blobs.delete(refs[0].sha256)
    assert not blobs.delete(refs[0].sha256)
    assert refs[0].sha256 not in blobs
    assert list(blobs.digests()) == sorted(ref.sha256 for ref in refs[1:])
    assert blobs.put_bytes(b"blob 0") == refs[0]  # stored again after a delete
    assert b"".join(blobs.read_verified(refs[0].sha256)) == b"blob 0"


def test_a_batch_stores_every_blob_at_its_end_once_each(blobs: BlobStorage) -> None:
    spool = blobs.temporary / "spool-1"
    spool.write_bytes(b"adopted")
    with blobs.batch() as batch:
        first = batch.put([b"one"])
        again = batch.put(io.BytesIO(b"one"))  # the same bytes twice in a batch: one blob
        adopted = batch.adopt(spool, sha256=hashlib.sha256(b"adopted").hexdigest())
        assert first.sha256 not in blobs  # staged only: durable when the block ends
    assert first == again
    assert b"".join(blobs.read_verified(first.sha256)) == b"one"
    assert b"".join(blobs.read_verified(adopted.sha256)) == b"adopted"
    assert not spool.exists() and list(blobs.temporary.iterdir()) == []
    assert sorted(blobs.digests()) == sorted({first.sha256, adopted.sha256})


def test_adopting_a_blob_held_already_removes_the_file(blobs: BlobStorage) -> None:
    held = blobs.put_bytes(b"adopted")
    spool = blobs.temporary / "spool-2"
    spool.write_bytes(b"adopted")
    assert blobs.adopt(spool, sha256=held.sha256) == held
    assert not spool.exists()
    assert list(blobs.digests()) == [held.sha256]


def _put_then_fail(store: BlobStorage, *, corrupt: bool) -> None:
    with store.batch() as batch:
        batch.put([b"fine"])
        if corrupt:
            batch.put([b"changed"], expected_sha256="0" * 64)
        raise RuntimeError("the caller failed")


def test_a_batch_that_fails_stores_nothing_and_leaves_no_files(blobs: BlobStorage) -> None:
    with pytest.raises(BlobCorrupt):
        _put_then_fail(blobs, corrupt=True)
    with pytest.raises(RuntimeError):
        _put_then_fail(blobs, corrupt=False)
    assert hashlib.sha256(b"fine").hexdigest() not in blobs
    assert list(blobs.temporary.iterdir()) == []
    assert list(blobs.digests()) == []


def test_a_corrupt_put_in_a_batch_leaves_the_others(blobs: BlobStorage) -> None:
    with blobs.batch() as batch:
        kept = batch.put([b"kept"])
        with pytest.raises(BlobCorrupt):
            batch.put([b"changed"], expected_sha256="0" * 64)
    assert list(blobs.digests()) == [kept.sha256]


@settings(max_examples=30, deadline=None)
@given(chunks=st.lists(st.binary(max_size=300), max_size=8))
def test_chunking_never_changes_the_name(
    tmp_path_factory: pytest.TempPathFactory, chunks: list[bytes]
) -> None:
    store = BlobStore(tmp_path_factory.mktemp("blobs"))
    ref = store.put(chunks)
    assert ref == store.put_bytes(b"".join(chunks))
    assert ref.sha256 == hashlib.sha256(b"".join(chunks)).hexdigest()


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")


def _put_many(store: BlobStore, count: int, *, then_fail: bool) -> None:
    with store.batch() as batch:
        for number in range(count):
            batch.put([b"blob %d" % number])
        if then_fail:
            raise RuntimeError("the caller failed")


@needs_proc
def test_a_big_batch_holds_a_bounded_number_of_descriptors_and_none_after(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    before = _open_descriptors()
    with store.batch() as batch:
        refs = [batch.put([b"blob %d" % number]) for number in range(3 * _blobs._OPEN_LIMIT)]
        held = _open_descriptors() - before
    assert held <= _blobs._OPEN_LIMIT, f"a batch of {len(refs)} blobs held {held} descriptors"
    assert _open_descriptors() == before, "the batch left descriptors open"
    assert all(b"".join(store.read_verified(ref.sha256)) == b"blob %d" % n for n, ref in enumerate(refs))
    assert list(store.temporary.iterdir()) == []


@needs_proc
def test_a_batch_failing_midway_leaves_no_temporary_files_nor_descriptors(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    before = _open_descriptors()
    with pytest.raises(RuntimeError):
        _put_many(store, 2 * _blobs._OPEN_LIMIT, then_fail=True)
    assert _open_descriptors() == before, "the failed batch left descriptors open"
    assert list(store.temporary.iterdir()) == []
    assert hashlib.sha256(b"blob 0").hexdigest() not in store


@needs_proc
def test_a_failing_fsync_stores_nothing_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BlobStore(tmp_path)
    synced = _blobs._fsync_file

    def fail_on_one(staged: object) -> None:
        synced(staged)  # type: ignore[arg-type]
        if getattr(staged, "sha256", None) == hashlib.sha256(b"blob 7").hexdigest():
            raise OSError("disk full")

    monkeypatch.setattr(_blobs, "_fsync_file", fail_on_one)
    before = _open_descriptors()
    with pytest.raises(OSError, match="disk full"):
        _put_many(store, _blobs._OPEN_LIMIT + 10, then_fail=False)  # some kept open, some closed
    assert _open_descriptors() == before, "the failed fsync left descriptors open"
    assert list(store.temporary.iterdir()) == []
    assert hashlib.sha256(b"blob 0").hexdigest() not in store


def test_a_directory_removed_behind_the_store_is_made_again_and_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BlobStore(tmp_path)
    ref = store.put_bytes(b"first time")
    final = store.path(ref.sha256)
    final.unlink()
    final.parent.rmdir()
    final.parent.parent.rmdir()  # the store remembers the leaf directory: now it is gone
    synced: list[str] = []
    monkeypatch.setattr(_blobs, "_fsync_directory", synced.append)
    assert store.put_bytes(b"first time") == ref
    assert b"".join(store.read_verified(ref.sha256)) == b"first time"
    assert sorted(synced) == sorted(map(str, [final.parent, final.parent.parent, tmp_path]))


def test_each_file_is_synced_before_its_rename_and_each_directory_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BlobStore(tmp_path)
    events: list[tuple[str, int]] = []
    fsync, replace = os.fsync, os.replace

    def recording_fsync(fd: int) -> None:
        fsync(fd)
        events.append(("fsync", os.fstat(fd).st_ino))

    def recording_replace(source: str, target: str) -> None:
        events.append(("replace", os.stat(source).st_ino))
        replace(source, target)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    monkeypatch.setattr(os, "replace", recording_replace)
    spool = store.temporary / "spool"
    spool.write_bytes(b"adopted")
    with store.batch() as batch:
        refs = [batch.put([b"blob %d" % number]) for number in range(_blobs._OPEN_LIMIT + 5)]
        refs.append(batch.adopt(spool, sha256=hashlib.sha256(b"adopted").hexdigest()))
    for ref in refs:
        final = store.path(ref.sha256)
        blob, leaf, middle = (path.stat().st_ino for path in (final, final.parent, final.parent.parent))
        renamed = events.index(("replace", blob))
        assert ("fsync", blob) in events[:renamed], f"{ref.sha256} renamed before its fsync"
        for directory in (leaf, middle, tmp_path.stat().st_ino):  # all made by this batch
            assert ("fsync", directory) in events[renamed:], f"a directory of {ref.sha256} not synced"


def test_temporary_names_never_take_a_file_already_there(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    store._temp_names._token = "fixed"
    squatter = store.temporary / f"put-{os.getpid()}-fixed-0"
    squatter.write_bytes(b"not mine")
    ref = store.put_bytes(b"mine")
    assert squatter.read_bytes() == b"not mine"
    assert b"".join(store.read_verified(ref.sha256)) == b"mine"


def test_directory_fsync_is_skipped_off_posix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "name", "nt")
    _blobs._fsync_directory("/no/such/directory")  # would raise if it tried to open it


def test_a_directory_already_there_is_synced_but_not_its_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = BlobStore(tmp_path).put_bytes(b"kept directory")
    final = BlobStore(tmp_path).path(ref.sha256)
    final.unlink()  # the leaf directory stays; a fresh store does not know it yet
    synced: list[str] = []
    monkeypatch.setattr(_blobs, "_fsync_directory", synced.append)
    assert BlobStore(tmp_path).put_bytes(b"kept directory") == ref
    assert synced == [str(final.parent)]
    assert final.read_bytes() == b"kept directory"


def test_64_mib_pass_through_the_postgresql_store_in_bounded_memory(
    tmp_path: Path, databases: Callable[[str], Database]
) -> None:
    """A blob far larger than a chunk goes in and out holding a few chunks at most: the short
    form of the 1 GB bench (``bench/large_bench.py --blobs postgresql``)."""
    store = DatabaseBlobStore(databases("postgresql"), tmp_path / "spool")
    size = 64 * (1 << 20)
    piece = os.urandom(1 << 16)
    expected = hashlib.sha256()

    def source() -> Iterator[bytes]:
        for number in range(size // len(piece)):
            chunk = piece[:-8] + number.to_bytes(8, "big")  # no two chunks alike
            expected.update(chunk)
            yield chunk

    tracemalloc.start()
    try:
        ref = store.put(source())
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        read = hashlib.sha256()
        for chunk in store.read_verified(ref.sha256):
            read.update(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ref.size == size and ref.sha256 == expected.hexdigest() == read.hexdigest()
    bound = 4 << 20  # a few chunks (pending, its copy, the driver's): far below 64 MiB
    assert put_peak < bound, f"put held {put_peak / (1 << 20):.1f} MiB"
    assert read_peak < bound, f"read held {read_peak / (1 << 20):.1f} MiB"
    assert store.delete(ref.sha256)
