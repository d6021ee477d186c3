"""The content-addressed blob store: streaming puts, idempotence, integrity, no path tricks."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lienthong.store import BlobCorrupt, BlobNotFound, BlobStore


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
