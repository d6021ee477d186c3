"""The operator's queries of ``NodeStore`` on SQLite and PostgreSQL: message search across the
outbox and the inbox (each filter, pages, newest first), the deliveries that wait or failed,
and claiming one row beside the delivery worker's claims."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lienthong._i18n import msg
from lienthong.store import (
    Database,
    DeliveryState,
    Direction,
    InboxEntry,
    MessageQuery,
    NodeStore,
    OutboxItem,
    PackageKind,
    StatusEntry,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
H41, G22, H42 = "000.00.00.H41", "000.00.00.G22", "000.00.00.H42"


def _item(n: int, recipient: str = G22) -> OutboxItem:
    return OutboxItem(
        message_id=f"{n:064x}",
        document_id=f"{H41},2026/03/02,{n}/UBND",
        kind=PackageKind.DOCUMENT,
        package_sha256="ab" * 32,
        sender=H41,
        recipient=recipient,
        deliver_to=recipient,
        deadline=T0 + timedelta(days=1),
    )


def _received(n: int, at: datetime) -> InboxEntry:
    return InboxEntry(
        message_id=f"{n:064x}",
        document_id=f"{H42},2026/03/02,{n}/UBND",
        kind=PackageKind.DOCUMENT,
        package_sha256="cd" * 32,
        sender=H42,
        recipient=H41,
        received_at=at,
    )


def _fill(database: Database) -> None:
    """Outgoing 1–3 (at T0, +1 h, +2 h; 3 to H42), incoming 11–12 (+30 min, +3 h); 11 registered."""
    with NodeStore.begin(database) as store:
        for n, hours in ((1, 0), (2, 1), (3, 2)):
            store.enqueue([_item(n, H42 if n == 3 else G22)], at=T0 + timedelta(hours=hours))
        store.inbox_put_many(
            [_received(11, T0 + timedelta(minutes=30)), _received(12, T0 + timedelta(hours=3))]
        )
        store.put_status(
            StatusEntry(
                sender=H42, document_id=f"{H42},2026/03/02,11/UBND", reporter=H41, addressee=H42,
                status_code="03", timestamp=T0, package_sha256="ef" * 32, direction=Direction.OUT,
                recorded_at=T0,
            )
        )  # fmt: skip


def _ids(
    database: Database, query: MessageQuery, *, offset: int = 0, limit: int = 50
) -> tuple[list[int], int]:
    with NodeStore.begin(database, write=False) as store:
        rows, total = store.search_messages(query, offset=offset, limit=limit)
    return [int(r.message_id, 16) for r in rows], total


def test_search_lists_both_directions_newest_first_with_every_filter(database: Database) -> None:
    _fill(database)
    assert _ids(database, MessageQuery()) == ([12, 3, 2, 11, 1], 5)
    assert _ids(database, MessageQuery(), offset=2, limit=2) == ([2, 11], 5)
    assert _ids(database, MessageQuery(direction=Direction.IN)) == ([12, 11], 2)
    assert _ids(database, MessageQuery(agency=H42)) == ([12, 3, 11], 3)
    assert _ids(database, MessageQuery(document_id=",2/UB")) == ([2], 1)
    assert _ids(database, MessageQuery(document_id="100%")) == ([], 0)  # LIKE's wildcards are text here
    assert _ids(database, MessageQuery(message_id=f"{11:064X}")) == ([11], 1)
    assert _ids(database, MessageQuery(status="03")) == ([11], 1)
    assert _ids(database, MessageQuery(delivery=DeliveryState.QUEUED)) == ([3, 2, 1], 3)
    window = MessageQuery(since=T0 + timedelta(minutes=30), until=T0 + timedelta(hours=2))
    assert _ids(database, window) == ([2, 11], 2)
    with NodeStore.begin(database, write=False) as store:
        rows, _ = store.search_messages(MessageQuery(message_id=f"{1:064x}"), offset=0, limit=5)
        received, _ = store.search_messages(MessageQuery(message_id=f"{12:064x}"), offset=0, limit=5)
    assert rows[0].direction is Direction.OUT and rows[0].state == "queued" and rows[0].attempts == 0
    assert (
        received[0].direction is Direction.IN
        and received[0].state == "active"
        and received[0].attempts is None
    )


def test_troubled_deliveries_are_those_that_wait_after_a_failure_or_ended(database: Database) -> None:
    _fill(database)
    with NodeStore.begin(database) as store:
        claimed = {
            e.message_id: e
            for e in store.claim_due(limit=10, now=T0 + timedelta(hours=2), lease=LEASE, token="w")
        }
        one, two, three = (claimed[f"{n:064x}"] for n in (1, 2, 3))
        store.settle(
            one.id,
            token="w",
            state=DeliveryState.QUEUED,
            next_attempt_at=T0 + timedelta(hours=5),
            last_error=msg("node-peer-no-endpoint", peer="vpcp"),
        )
        store.settle(two.id, token="w", state=DeliveryState.DELIVERED, receipt_sha256="12" * 32)
    now = T0 + timedelta(hours=2, minutes=1)
    with NodeStore.begin(database, write=False) as store:
        rows, total = store.troubled_deliveries(now=now, offset=0, limit=10)
        assert [r.id for r in rows] == [one.id] and total == 1  # three is sending, its lease still runs
        later, total = store.troubled_deliveries(now=now + LEASE, offset=0, limit=10)
    assert [r.id for r in later] == [three.id, one.id] and total == 2  # three's worker is gone


def test_one_row_is_claimed_only_when_no_worker_holds_it(database: Database) -> None:
    _fill(database)
    with NodeStore.begin(database) as store:
        (held,) = store.claim_due(limit=1, now=T0, lease=LEASE, token="worker")
        assert store.claim_entry(held.id, now=T0, lease=LEASE, token="operator") is None
        taken = store.claim_entry(held.id, now=T0 + LEASE, lease=LEASE, token="operator")
        assert taken is not None and taken.claim_token == "operator" and taken.attempts == held.attempts
        assert not store.settle(held.id, token="worker", state=DeliveryState.DELIVERED)
        assert store.settle(held.id, token="operator", state=DeliveryState.FAILED, last_error="x")
        assert store.claim_entry(held.id, now=T0 + LEASE, lease=LEASE, token="again") is None
        again = store.requeue_failed(held.id, now=T0 + LEASE, deadline=T0 + timedelta(days=2))
        assert again is not None and again.state is DeliveryState.QUEUED
        assert again.item.deadline == T0 + timedelta(days=2) and again.next_attempt_at == T0 + LEASE
        assert store.requeue_failed(held.id, now=T0, deadline=T0) is None  # queued: not failed
        assert store.outbox_entry(99999) is None
