"""``DatabaseBlobStore``: blobs as chunks of rows in the node's database, streamed both ways.

A put writes the bytes in chunks of ``CHUNK_BYTES`` (256 KiB) under a fresh ``blob_objects`` row whose
digest is still empty, hashing as it goes; when the batch ends each row is named by its digest
(or dropped: the database holds those bytes already, a put is idempotent) and the batch's one
transaction commits. Readers only ever see named, complete blobs; a put interrupted, even by a
killed process, leaves nothing (its transaction never commits). A reader fetches one chunk per
query, so a GiB blob never costs more than a chunk or two of memory on either side.

A chunk table rather than PostgreSQL large objects: psycopg 3 has no large-object API, and
bytea chunks are ordinary rows, replicated by streaming replication, dumped by ``pg_dump``,
removed by ``DELETE`` (large objects need ``lo_unlink`` housekeeping), and the same SQLAlchemy
code runs on SQLite, where the contract tests run it too. A node keeps its blobs here only on
PostgreSQL (``node.json`` ``"blobs": "postgresql"``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Final, cast

from sqlalchemy import Connection, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lienthong._i18n import msg
from lienthong.store._blob_rows import BlobChunkRow, BlobObjectRow
from lienthong.store._blobs import CHUNK, BlobRef, checked_digest, source_chunks, staged, verified_chunks
from lienthong.store._database import Database, translate_errors
from lienthong.store._errors import BlobCorrupt, BlobNotFound, StoreError

#: Bytes per chunk row, one statement each way. A quarter MiB rather than a MiB: libpq's send
#: and receive buffers grow to the largest message and every pooled connection keeps them
#: (``bench/large_bench.py --backend postgresql``, 1 GiB, on a loaded machine: the receiving node
#: peaked above 220 MiB with 1 MiB chunks, at 204 MiB with these; 186 MiB on a quiet one).
#: 4,096 rows a GiB cost nothing to speak of.
CHUNK_BYTES: Final = 1 << 18

#: Digests listed per query by ``digests`` (no cursor stays open between pages).
_PAGE: Final = 1000

_OBJECTS = cast(Table, BlobObjectRow.__table__)
_CHUNKS = cast(Table, BlobChunkRow.__table__)


class DatabaseBlobStore:
    """Blobs in ``database``; ``temporary`` is a local directory for spools bound for it."""

    def __init__(self, database: Database, temporary: str | os.PathLike[str]) -> None:
        self.database = database
        self._temporary = Path(temporary)
        self._temporary.mkdir(parents=True, exist_ok=True)

    @property
    def temporary(self) -> Path:
        return self._temporary

    def batch(self) -> contextlib.AbstractContextManager[DatabaseBlobBatch]:
        """Blobs stored in one transaction, committed when the block ends (see the module)."""
        return staged(DatabaseBlobBatch(self))

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        with self.batch() as batch:
            return batch.put(source, expected_sha256=expected_sha256)

    def put_bytes(self, data: bytes) -> BlobRef:
        return self.put([data])

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        with self.batch() as batch:
            return batch.adopt(path, sha256=sha256)

    def _find(self, sha256: str) -> tuple[int, int, int]:
        """The blob's row id, size and number of chunks; raises ``BlobNotFound``."""
        digest = checked_digest(sha256)
        with translate_errors(), self.database.engine.connect() as connection:
            row = connection.execute(
                select(_OBJECTS.c.id, _OBJECTS.c.size, _OBJECTS.c.chunks).where(_OBJECTS.c.sha256 == digest)
            ).first()
        if row is None:
            raise BlobNotFound(msg("store-blob-not-found", digest=sha256), digest=sha256)
        return int(row.id), int(row.size), int(row.chunks)

    def open(self, sha256: str) -> BinaryIO:
        object_id, _size, chunks = self._find(sha256)
        reader = _ChunkReader(self.database, object_id, chunks, sha256)
        return cast(BinaryIO, io.BufferedReader(reader, buffer_size=CHUNK))

    def read_verified(self, sha256: str) -> Iterable[bytes]:
        return verified_chunks(self.open, sha256)

    def size(self, sha256: str) -> int:
        return self._find(sha256)[1]

    def __contains__(self, sha256: object) -> bool:
        if not isinstance(sha256, str):
            return False
        try:
            self._find(sha256)
        except BlobNotFound:
            return False
        return True

    def delete(self, sha256: str) -> bool:
        digest = checked_digest(sha256)
        with translate_errors(), self.database.engine.begin() as connection:
            found = connection.execute(select(_OBJECTS.c.id).where(_OBJECTS.c.sha256 == digest)).scalar()
            if found is None:
                return False
            _drop(connection, int(found))
        return True

    def delete_many(self, digests: Iterable[str]) -> int:
        """Remove these blobs in one transaction; how many were there."""
        wanted = [checked_digest(digest) for digest in dict.fromkeys(digests)]
        removed = 0
        with translate_errors(), self.database.engine.begin() as connection:
            for start in range(0, len(wanted), 500):
                found = connection.execute(
                    select(_OBJECTS.c.id).where(_OBJECTS.c.sha256.in_(wanted[start : start + 500]))
                ).scalars()
                for identifier in list(found):
                    _drop(connection, int(identifier))
                    removed += 1
        return removed

    def digests(self) -> Iterator[str]:
        after = ""
        while True:
            with translate_errors(), self.database.engine.connect() as connection:
                page = list(
                    connection.execute(
                        select(_OBJECTS.c.sha256)
                        .where(_OBJECTS.c.sha256.is_not(None), _OBJECTS.c.sha256 > after)
                        .order_by(_OBJECTS.c.sha256)
                        .limit(_PAGE)
                    ).scalars()
                )
            yield from (str(digest) for digest in page)
            if len(page) < _PAGE:
                return
            after = str(page[-1])


class DatabaseBlobBatch:
    """Blobs written in one transaction (opened at the first blob), named and committed by
    ``store``; ``discard`` rolls everything back."""

    def __init__(self, store: DatabaseBlobStore) -> None:
        self._store = store
        self._connection: Connection | None = None
        #: Digest → (row id, size, chunks) of each blob written, not yet named.
        self._staged: dict[str, tuple[int, int, int]] = {}

    def _open(self) -> Connection:
        if self._connection is None:
            with translate_errors():
                connection = self._store.database.engine.connect()
                connection.begin()
            self._connection = connection
        return self._connection

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        connection = self._open()
        with translate_errors():
            object_id = connection.execute(
                insert(_OBJECTS).values(sha256=None, size=0, chunks=0).returning(_OBJECTS.c.id)
            ).scalar_one()
        try:
            digest, size, chunks = _write(connection, object_id, source)
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise BlobCorrupt(
                    msg("store-blob-digest-mismatch", actual=digest, expected=expected_sha256),
                    expected=expected_sha256,
                    actual=digest,
                )
        except BaseException:
            # Best effort: a broken transaction cannot drop, and the batch will roll it back.
            with contextlib.suppress(StoreError), translate_errors():
                _drop(connection, object_id)
            raise
        if digest in self._staged:  # the same bytes twice in a batch: the first copy will do
            with translate_errors():
                _drop(connection, object_id)
        else:
            self._staged[digest] = (object_id, size, chunks)
        return BlobRef(digest, size)

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        """Copy the file at ``path`` in (checked against ``sha256``) and remove it; a blob the
        database holds already is not copied again."""
        try:
            digest = checked_digest(sha256.lower())
            size = path.stat().st_size
            if digest in self._staged or self._held(digest):
                return BlobRef(digest, size)
            with path.open("rb") as stream:
                return self.put(stream, expected_sha256=digest)
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _held(self, digest: str) -> bool:
        with translate_errors():
            found = self._open().execute(select(_OBJECTS.c.id).where(_OBJECTS.c.sha256 == digest)).first()
        return found is not None

    def store(self) -> None:
        """Name every staged blob by its digest and commit (what ``batch()`` does at its end)."""
        connection, self._connection = self._connection, None
        staged, self._staged = self._staged, {}
        if connection is None:
            return
        try:
            with translate_errors():
                held = set(
                    connection.execute(
                        select(_OBJECTS.c.sha256).where(_OBJECTS.c.sha256.in_(list(staged)))
                    ).scalars()
                )
                for digest, (object_id, size, chunks) in staged.items():
                    if digest in held or not _name(connection, object_id, digest, size, chunks):
                        _drop(connection, object_id)  # stored before or meanwhile: keep that copy
                connection.commit()
        finally:
            connection.close()  # rolls back whatever was not committed

    def discard(self) -> None:
        connection, self._connection, self._staged = self._connection, None, {}
        if connection is not None:
            connection.close()


def _name(connection: Connection, object_id: int, digest: str, size: int, chunks: int) -> bool:
    """Give the row its digest; False when another batch committed the same digest meanwhile
    (a savepoint keeps that refusal from aborting the whole transaction)."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(
            update(_OBJECTS).where(_OBJECTS.c.id == object_id).values(sha256=digest, size=size, chunks=chunks)
        )
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _write(
    connection: Connection, object_id: int, source: BinaryIO | Iterable[bytes]
) -> tuple[str, int, int]:
    """Write the source's bytes as chunk rows of ``object_id``: their SHA-256, size and the
    number of chunks."""
    hasher = hashlib.sha256()
    size = 0
    seq = 0
    pending = bytearray()

    def flush(data: bytes) -> None:
        nonlocal seq
        with translate_errors():
            connection.execute(insert(_CHUNKS).values(object_id=object_id, seq=seq, data=data))
        seq += 1

    for chunk in source_chunks(source):
        hasher.update(chunk)
        size += len(chunk)
        pending += chunk
        while len(pending) >= CHUNK_BYTES:
            with memoryview(pending) as view, view[:CHUNK_BYTES] as head:
                data = bytes(head)  # one copy; both views released before the bytearray shrinks
            flush(data)
            del pending[:CHUNK_BYTES]  # cheap: a bytearray drops its head without moving the rest
    if pending:
        flush(bytes(pending))
    return hasher.hexdigest(), size, seq


def _drop(connection: Connection, object_id: int) -> None:
    connection.execute(delete(_CHUNKS).where(_CHUNKS.c.object_id == object_id))
    connection.execute(delete(_OBJECTS).where(_OBJECTS.c.id == object_id))


class _ChunkReader(io.RawIOBase):
    """A stored blob's bytes, one chunk fetched at a time, each on a connection of its own
    (a slow reader holds no connection between chunks)."""

    def __init__(self, database: Database, object_id: int, chunks: int, sha256: str) -> None:
        super().__init__()
        self._database = database
        self._object_id = object_id
        self._chunks = chunks
        self._sha256 = sha256
        self._next = 0
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target: memoryview | bytearray) -> int:  # type: ignore[override]
        while not self._buffer:
            if self._next >= self._chunks:
                return 0
            self._buffer = memoryview(self._fetch(self._next))
            self._next += 1
        view = memoryview(target).cast("B")
        count = min(len(view), len(self._buffer))
        view[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def _fetch(self, seq: int) -> bytes:
        with translate_errors(), self._database.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                data = _fetch_binary(connection, self._object_id, seq)
            else:
                data = connection.execute(
                    select(_CHUNKS.c.data).where(_CHUNKS.c.object_id == self._object_id, _CHUNKS.c.seq == seq)
                ).scalar()
        if data is None:  # deleted while being read
            raise BlobNotFound(msg("store-blob-not-found", digest=self._sha256), digest=self._sha256)
        return bytes(data)


def _fetch_binary(connection: Connection, object_id: int, seq: int) -> bytes | None:
    """A chunk in PostgreSQL's binary format: a bytea's text form is hex, twice its size to
    send and to decode (psycopg asks for binary only when told, which SQLAlchemy never does)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor(binary=True) as cursor:
        cursor.execute("SELECT data FROM blob_chunks WHERE object_id = %s AND seq = %s", (object_id, seq))
        row = cursor.fetchone()
    return None if row is None else bytes(row[0])
