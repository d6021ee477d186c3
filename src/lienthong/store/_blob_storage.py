"""``BlobStorage``: what a node asks of a blob store, whichever keeps the bytes.

Two stores implement it: ``BlobStore`` (files named by their SHA-256 under a directory) and
``DatabaseBlobStore`` (chunks in the node's PostgreSQL database, so that the database is the
node's only state besides its keys). Callers hold a ``BlobStorage`` and never a path: a blob is
read through ``open`` or ``read_verified`` wherever it lives.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from lienthong.store._blobs import BlobRef


class BlobStaging(Protocol):
    """Blobs staged in a batch: durable together when the batch's block ends."""

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        """Stage the bytes of a stream or of chunks; ``BlobCorrupt`` (nothing staged) when they
        do not hash to ``expected_sha256``."""
        ...

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        """Stage the file at ``path`` (under ``temporary``, its digest computed as it was
        written); the file is gone afterwards either way."""
        ...


class BlobStorage(Protocol):
    """A content-addressed store: blobs named by the SHA-256 of their bytes, streamed both ways."""

    @property
    def temporary(self) -> Path:
        """A local directory for files bound for the store (spools): ``adopt`` takes them in."""
        ...

    def batch(self) -> contextlib.AbstractContextManager[BlobStaging]:
        """Blobs stored together: staged in the block, durable when it ends, none on error."""
        ...

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        """Store a stream's or an iterable's bytes, never whole in memory; idempotent."""
        ...

    def put_bytes(self, data: bytes) -> BlobRef: ...

    def adopt(self, path: Path, *, sha256: str) -> BlobRef:
        """Take in the file at ``path`` (see ``BlobStaging.adopt``)."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a binary stream, not checked; close it. Raises ``BlobNotFound``."""
        ...

    def read_verified(self, sha256: str) -> Iterable[bytes]:
        """The blob in chunks, checked against its digest at the end (``BlobCorrupt``)."""
        ...

    def size(self, sha256: str) -> int:
        """The blob's size in bytes; raises ``BlobNotFound``."""
        ...

    def __contains__(self, sha256: object) -> bool: ...

    def delete(self, sha256: str) -> bool:
        """Remove the blob; whether it was there."""
        ...

    def delete_many(self, digests: Iterable[str]) -> int:
        """Remove these blobs, durably; how many were there (one already gone is no error)."""
        ...

    def digests(self) -> Iterator[str]:
        """Every stored blob's digest, in ascending order, read as it goes."""
        ...
