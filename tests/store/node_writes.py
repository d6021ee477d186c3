"""What a node writes when a document arrives, in a few lines: for the database tests that
kill, promote and restore servers and then count what is there."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from lienthong.evidence import LogKind
from lienthong.store import Database, InboxEntry, NodeStore, PackageKind

AT = datetime(2026, 12, 1, tzinfo=UTC)
RECIPIENT = "000.00.00.G22"


def received(store: NodeStore, number: int) -> None:
    """Document ``number`` received: its inbox row (idempotent by message id) and its log
    entry, written only when the row is new."""
    message_id = f"m{number}"
    if store.inbox_get(message_id, RECIPIENT) is not None:
        return
    store.inbox_put(
        InboxEntry(message_id, f"d{number}", PackageKind.DOCUMENT, "0" * 64, "000.00.00.H41", RECIPIENT, AT)
    )
    store.log(
        LogKind.PACKAGE_IN, at=AT, message_id=message_id, document_id=f"d{number}", party="000.00.00.H41"
    )


def receive(database: Database, numbers: range) -> None:
    """Each document received in its own transaction, as deliveries arrive."""
    for number in numbers:
        with NodeStore.begin(database) as store:
            received(store, number)


def held(database: Database) -> tuple[list[str], bool]:
    """The inbox's message ids in log order, and whether the log is one unbroken chain."""
    with NodeStore.begin(database, write=False) as store:
        inbox = {e.message_id for e in store.inbox(recipient=RECIPIENT)}
        log = store.log_entries()
    chained = [e.record.seq for e in log] == list(range(1, len(log) + 1)) and all(
        later.prev_hash == earlier.entry_hash for earlier, later in itertools.pairwise(log)
    )
    ordered = [e.record.message_id for e in log]
    return (ordered if set(ordered) == inbox else sorted(inbox)), chained
