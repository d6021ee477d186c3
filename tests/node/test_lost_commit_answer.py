"""A commit the server made whose answer never came back (the primary died right after it):
the node replays the work and finds what was committed, so nothing is queued, stored,
settled or logged twice. The in-process network on SQLite and PostgreSQL; the interruption
is raised after the real commit, as psycopg would."""

from __future__ import annotations

import contextlib
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from lienthong.evidence import LogKind, link_hash
from lienthong.node import DeliveryState, Submission, deliver_due, submit
from lienthong.store import Database, DatabaseInterrupted, NodeStore
from node.node_network import AT, RECIPIENT, Network, document


def _answer_lost_once(monkeypatch: pytest.MonkeyPatch, database: Database, statement: str) -> list[str]:
    """After the first commit of a transaction that ran ``statement…``, raise the interruption
    psycopg raises when the connection drops after the server committed; returns what was lost."""
    real = database.transaction
    ran: list[str] = []
    lost: list[str] = []

    def spy(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.lstrip().upper().startswith(statement):
            ran.append(sql)

    event.listen(database.engine, "before_cursor_execute", spy)

    @contextlib.contextmanager
    def transaction() -> Iterator[Session]:
        ran.clear()
        with real() as session:
            yield session
        if ran and not lost:
            lost.append(statement)
            raise DatabaseInterrupted("server closed the connection unexpectedly (after COMMIT)")

    monkeypatch.setattr(database, "transaction", transaction)
    return lost


def _kinds(database: Database) -> Counter[LogKind]:
    with NodeStore.begin(database, write=False) as store:
        entries = store.log_entries()
    previous = entries[0].prev_hash
    for entry in entries:  # one unbroken chain
        assert entry.prev_hash == previous
        assert entry.entry_hash == link_hash(previous, entry.record.digest())
        previous = entry.entry_hash
    return Counter(e.record.kind for e in entries)


def test_a_lost_commit_answer_is_found_on_replay_never_done_twice(
    network: Network, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender, receiver = network.sender.database, network.receiver.database
    queued = _answer_lost_once(monkeypatch, sender, "INSERT INTO NODE_OUTBOX")
    accepted = submit(network.sender, document("f1"), at=AT)
    assert queued and isinstance(accepted, Submission)

    stored = _answer_lost_once(monkeypatch, receiver, "INSERT INTO NODE_INBOX")
    settled = _answer_lost_once(monkeypatch, sender, "INSERT INTO NODE_RECEIPTS")
    deliver_due(network.sender, network.transport, now=AT, rand=random.Random(1))
    assert stored and settled

    with NodeStore.begin(sender, write=False) as store:
        rows = store.outbox(message_id=accepted.message_id)
        receipts = store.receipts(message_ids=[accepted.message_id])
    assert [(r.state, r.attempts) for r in rows] == [(DeliveryState.DELIVERED, 1)]
    assert len(receipts) == 1 and receipts[0].accepted
    with NodeStore.begin(receiver, write=False) as store:
        inbox = [e.message_id for e in store.inbox(recipient=RECIPIENT)]
    assert inbox == [accepted.message_id]
    assert _kinds(sender) == {LogKind.PACKAGE_OUT: 1, LogKind.RECEIPT_IN: 1}
    # The replay answers the delivery it finds stored as any repeated delivery is answered: a
    # second signed receipt marked duplicate, logged as evidence like every receipt signed.
    assert _kinds(receiver) == {LogKind.PACKAGE_IN: 1, LogKind.RECEIPT_OUT: 2}
