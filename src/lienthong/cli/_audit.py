"""Commands that change a node's configuration (its console users, its API clients) record each
change in the node's audit log, by ``cli:<system user>``, as the console records its users'.

The database is opened before anything changes: when it cannot be, the command fails in one line
(a ``LienthongError``) and nothing is changed unaudited.
"""

from __future__ import annotations

import contextlib
import getpass
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from lienthong.node import NodeHome
from lienthong.store import Database, NodeAudit, NodeAuditEntry, migrate


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a container)
        return "cli:?"


@contextlib.contextmanager
def audited(home: Path) -> Iterator[Database]:
    """The node's database, open (and up to date) before anything changes."""
    database = NodeHome.load(home).open_database()
    try:
        migrate(database)
        yield database
    finally:
        database.close()


def record(database: Database, action: str, target: str, **params: str) -> None:
    with NodeAudit.begin(database) as audit:
        audit.record(NodeAuditEntry(datetime.now(UTC), actor(), action, target, params))
