"""The content-addressed blob store: streaming puts, idempotence, integrity, no path tricks."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lienthong.store import BlobCorrupt, BlobNotFound, BlobStore, _blobs


def test_put_names_the_file_by_its_sha256_and_reads_back(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = b"van ban " * 50_000  # several chunks
    ref = store.put(io.BytesIO(data))
    assert ref.sha256 == hashlib.sha256(data).hexdigest()
    assert ref.size == len(data)
    assert store.path(ref.sha256).name == ref.sha256
    assert ref.sha256 in store
    with store.open(ref.sha256) as stream:
        assert stream.read() == data
    assert b"".join(store.read_verified(ref.sha256)) == data
    assert store.size(ref.sha256) == len(data)


def test_put_is_idempotent_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    first = store.put_bytes(b"abc")
    mtime = store.path(first.sha256).stat().st_mtime_ns
    second = store.put([b"a", b"bc"])
    assert first == second
    assert store.path(first.sha256).stat().st_mtime_ns == mtime
    assert list((tmp_path / "tmp").iterdir()) == []


def test_expected_digest_mismatch_stores_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(BlobCorrupt) as caught:
        store.put([b"abc"], expected_sha256="00" * 32)
    assert caught.value.actual == hashlib.sha256(b"abc").hexdigest()
    assert caught.value.actual not in store
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_failing_source_leaves_no_blob(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)

    def chunks() -> object:
        yield b"partial"
        raise OSError("source went away")

    with pytest.raises(OSError, match="went away"):
        store.put(chunks())  # type: ignore[arg-type]
    assert list((tmp_path / "tmp").iterdir()) == []
    assert hashlib.sha256(b"partial").hexdigest() not in store


def test_missing_and_malformed_digests(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(BlobNotFound):
        store.open("0" * 64)
    with pytest.raises(BlobNotFound):
        store.open("../../etc/passwd")
    assert "../x" not in store
    assert 5 not in store


def test_corruption_on_disk_is_detected_when_read_verified(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    ref = store.put_bytes(b"original")
    store.path(ref.sha256).write_bytes(b"tampered")
    with pytest.raises(BlobCorrupt):
        b"".join(store.read_verified(ref.sha256))


@settings(max_examples=30, deadline=None)
@given(chunks=st.lists(st.binary(max_size=300), max_size=8))
def test_chunking_never_changes_the_name(
    tmp_path_factory: pytest.TempPathFactory, chunks: list[bytes]
) -> None:
    store = BlobStore(tmp_path_factory.mktemp("blobs"))
    ref = store.put(chunks)
    assert ref == store.put_bytes(b"".join(chunks))
    assert ref.sha256 == hashlib.sha256(b"".join(chunks)).hexdigest()


def test_a_batch_stores_every_blob_at_its_end_once_each(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    spool = store.temporary / "spool-1"
    spool.write_bytes(b"adopted")
    with store.batch() as batch:
        first = batch.put([b"one"])
        again = batch.put(io.BytesIO(b"one"))  # the same bytes twice in a batch: one blob
        adopted = batch.adopt(spool, sha256=hashlib.sha256(b"adopted").hexdigest())
        assert first.sha256 not in store  # staged only: durable when the block ends
    assert first == again
    assert b"".join(store.read_verified(first.sha256)) == b"one"
    assert b"".join(store.read_verified(adopted.sha256)) == b"adopted"
    assert not spool.exists() and list(store.temporary.iterdir()) == []


def _put_then_fail(store: BlobStore, *, corrupt: bool) -> None:
    with store.batch() as batch:
        batch.put([b"fine"])
        if corrupt:
            batch.put([b"changed"], expected_sha256="0" * 64)
        raise RuntimeError("the caller failed")


def test_a_batch_that_fails_stores_nothing_and_leaves_no_files(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(BlobCorrupt):
        _put_then_fail(store, corrupt=True)
    with pytest.raises(RuntimeError):
        _put_then_fail(store, corrupt=False)
    assert hashlib.sha256(b"fine").hexdigest() not in store
    assert list(store.temporary.iterdir()) == []


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
