"""What balancers and scrapes ask of a node's database (``check_writable``, ``outbox_summary``),
on SQLite and PostgreSQL: a writable database passes and keeps nothing, a read-only one (a
standby, a read-only file) is refused; the outbox is counted by state with its oldest pending
entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lienthong.store import (
    Database,
    DeliveryState,
    NodeStore,
    OutboxItem,
    PackageKind,
    StoreError,
    check_writable,
    migrate,
    open_database,
    outbox_summary,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
H41, G22 = "000.00.00.H41", "000.00.00.G22"


def _item(n: int) -> OutboxItem:
    return OutboxItem(
        message_id=f"{n:064x}",
        document_id=f"{H41},2026/03/02,{n}/UBND",
        kind=PackageKind.DOCUMENT,
        package_sha256="ab" * 32,
        sender=H41,
        recipient=G22,
        deliver_to=G22,
        deadline=T0 + timedelta(days=1),
    )


def _read_only(url: str) -> str:
    """The same database opened read-only: a SQLite file so, or PostgreSQL refusing every write
    as a hot standby does."""
    if url.startswith("sqlite:///"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    return url.replace(
        "options=-csearch_path", "options=-cdefault_transaction_read_only%3Don%20-csearch_path"
    )


def test_a_writable_database_passes_and_keeps_nothing(database: Database) -> None:
    with NodeStore.begin(database, write=False) as store:
        head = store.log_head()
    check_writable(database)
    with NodeStore.begin(database, write=False) as store:
        assert store.log_head() == head


def test_a_read_only_database_is_refused(database_url: str) -> None:
    with open_database(database_url) as database:
        migrate(database)
        check_writable(database)
    with open_database(_read_only(database_url)) as read_only, pytest.raises(StoreError):
        check_writable(read_only)


def test_the_outbox_is_counted_by_state_with_its_oldest_pending_entry(database: Database) -> None:
    empty = outbox_summary(database)
    assert set(empty.counts) == set(DeliveryState) and not any(empty.counts.values())
    assert empty.oldest_pending is None
    with NodeStore.begin(database) as store:
        for n, hours in ((1, 0), (2, 1), (3, 2)):
            store.enqueue([_item(n)], at=T0 + timedelta(hours=hours))
        store.claim_due(limit=1, now=T0 + timedelta(hours=3), lease=timedelta(minutes=5), token="t" * 64)
    summary = outbox_summary(database)
    assert summary.counts[DeliveryState.QUEUED] == 2
    assert summary.counts[DeliveryState.SENDING] == 1
    assert summary.oldest_pending == T0
