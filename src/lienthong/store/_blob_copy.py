"""Moving blobs from one store to another (``lienthong node blobs migrate``), resumably.

``copy_blobs`` streams each blob the target lacks into it, checked on the way (a corrupt source
blob stops the copy with ``BlobCorrupt`` and nothing of it is stored); each blob is durable in
the target once its put returns, so a copy killed at any point is finished by running it again,
which skips what the target holds. ``purge_copied`` then removes from the source only what the
target holds: nothing is ever deleted before it is safe elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lienthong.store._blob_storage import BlobStorage


@dataclass(frozen=True, slots=True)
class BlobCopied:
    """Progress of a copy after one more blob: how many of ``total`` are in the target."""

    sha256: str
    #: Blobs the target holds now (copied by this run or found there), of ``total``.
    done: int
    total: int
    #: Blobs and bytes this run copied (blobs the target already held are not counted).
    copied: int
    copied_bytes: int


def copy_blobs(
    source: BlobStorage, target: BlobStorage, *, progress: Callable[[BlobCopied], None] | None = None
) -> BlobCopied | None:
    """Copy every blob of ``source`` that ``target`` lacks; the last progress (None: no blobs)."""
    total = sum(1 for _ in source.digests())
    copied = copied_bytes = 0
    last: BlobCopied | None = None
    for done, digest in enumerate(source.digests(), start=1):
        if digest not in target:
            ref = target.put(source.read_verified(digest), expected_sha256=digest)
            copied += 1
            copied_bytes += ref.size
        last = BlobCopied(digest, done, max(total, done), copied, copied_bytes)
        if progress is not None:
            progress(last)
    return last


def purge_copied(source: BlobStorage, target: BlobStorage) -> int:
    """Delete from ``source`` each blob ``target`` holds; the number deleted."""
    deleted = 0
    for digest in source.digests():
        if digest in target and source.delete(digest):
            deleted += 1
    return deleted
