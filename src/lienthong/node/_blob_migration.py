"""Moving a node's blobs between the file system and its PostgreSQL database, resumably.

Every blob the target lacks is copied (streamed, checked), then ``node.json`` names the target,
then the source's copies are removed. Each step can be interrupted (``kill -9`` included) and
the whole run again finishes the job: copied blobs are skipped, the settings switch only once
every blob is in the target, and only blobs the target holds are ever removed. The node must
not serve meanwhile: the run holds the blobs' advisory lock alone (``migrating_blobs``), which
refuses while any ``node serve`` of the node holds it shared.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass

from lienthong._i18n import msg
from lienthong.node._errors import NodeError
from lienthong.node._home import BLOB_BACKENDS, SETTINGS, NodeHome, is_postgresql
from lienthong.store import BlobCopied, copy_blobs, migrate, migrating_blobs, purge_copied


@dataclass(frozen=True, slots=True)
class BlobMigration:
    """What a run did: blobs and bytes copied, copies removed from the source."""

    source: str
    target: str
    copied: int
    copied_bytes: int
    removed: int


def migrate_blobs(
    home: NodeHome, to: str, *, progress: Callable[[BlobCopied], None] | None = None
) -> BlobMigration:
    """Move ``home``'s blobs to ``to`` (``filesystem`` or ``postgresql``); see the module."""
    if to not in BLOB_BACKENDS:
        raise NodeError(msg("node-blobs-backend-unknown", backend=to))
    if not is_postgresql(home.database_url):
        raise NodeError(msg("node-blobs-need-postgresql"))
    source_backend = next(backend for backend in BLOB_BACKENDS if backend != to)
    database = home.open_database()
    try:
        migrate(database)  # the chunk table exists whichever way the blobs go
        with migrating_blobs(database):
            source = home.blob_store(source_backend, database)
            target = home.blob_store(to, database)
            last = copy_blobs(source, target, progress=progress)
            if home.blob_backend != to:
                set_blob_backend(home, to)
            removed = purge_copied(source, target)
    finally:
        database.close()
    return BlobMigration(
        source_backend,
        to,
        copied=last.copied if last else 0,
        copied_bytes=last.copied_bytes if last else 0,
        removed=removed,
    )


def set_blob_backend(home: NodeHome, backend: str) -> None:
    """Write ``"blobs": backend`` into ``node.json``, every other setting as it was; the file is
    replaced whole (a crash leaves the old one or the new one) and stays its owner's only."""
    path = home.home / SETTINGS
    settings = json.loads(path.read_text(encoding="utf-8"))
    settings["blobs"] = backend
    temporary = path.with_name(f".{SETTINGS}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(json.dumps(settings, ensure_ascii=False, indent=2) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
