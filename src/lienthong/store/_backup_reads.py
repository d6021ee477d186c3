"""What a backup reads from a node's database: a consistent copy of a SQLite file, and the
blobs a database's rows name.

The copy uses SQLite's online backup API in one step (``pages=-1``): it reads one snapshot
of the source under a read transaction, which in WAL mode blocks no writer, so the node keeps
serving while it runs. The blobs named are the packages of the outbox, inbox, statuses and
document index (attachments decoded from a package are a cache, made again when asked for).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import cast

from sqlalchemy import Table, select, union

from lienthong._i18n import msg
from lienthong.store._database import Database, sqlite_file
from lienthong.store._document_index_rows import DocumentIndexRow
from lienthong.store._errors import StoreError
from lienthong.store._message_log import head
from lienthong.store._node_rows import InboxRow, OutboxRow, StatusRow

_TABLES = [cast(Table, row.__table__) for row in (OutboxRow, InboxRow, StatusRow, DocumentIndexRow)]
_NAMED = union(*(select(table.c.package_sha256) for table in _TABLES))


def snapshot_sqlite(url: str, target: Path) -> None:
    """Copy the SQLite database at ``url`` into a new file ``target`` (made 0600), as one
    snapshot, while other connections keep writing."""
    source_path = sqlite_file(url)
    if source_path is None:
        raise StoreError(msg("store-snapshot-not-sqlite"))
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            contextlib.closing(sqlite3.connect(source_path, timeout=30)) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy, pages=-1)
            # One file that opens on its own: no -wal beside it to carry along.
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise StoreError(msg("store-snapshot-failed", detail=str(exc))) from exc


def referenced_blobs(database: Database) -> list[str]:
    """The digests of every blob the database's rows name, sorted."""
    with database.transaction() as session:
        return sorted({str(digest) for digest in session.scalars(_NAMED)})


def log_head_of(database: Database) -> tuple[int, str]:
    """The message log's head (sequence number, entry hash) as the database holds it."""
    with database.transaction() as session:
        return head(session)
