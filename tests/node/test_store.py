"""The node's storage: outbox claiming, idempotent inbox, timelines, links, the chained log."""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from lienthong._i18n import msg
from lienthong.evidence import GENESIS, LogKind, dump_message, link_hash, load_message
from lienthong.store import (
    Database,
    DeliveryState,
    Direction,
    Disposition,
    InboxEntry,
    NodeStore,
    OutboxItem,
    PackageKind,
    ReceiptEntry,
    StatusEntry,
    open_database,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def _item(n: int, recipient: str = "000.00.00.G22") -> OutboxItem:
    return OutboxItem(
        message_id=f"{n:064x}",
        document_id=f"000.00.00.H41,2026/03/02,{n}/UBND",
        kind=PackageKind.DOCUMENT,
        package_sha256="ab" * 32,
        sender="000.00.00.H41",
        recipient=recipient,
        deliver_to=recipient,
        deadline=T0 + timedelta(days=1),
    )


def test_enqueue_is_idempotent_and_claim_settles_with_its_token(database: Database) -> None:
    with NodeStore.begin(database) as store:
        first = store.enqueue([_item(1), _item(1, "000.00.00.H42")], at=T0)
        again = store.enqueue([_item(1)], at=T0)
    assert len(first) == 2 and again[0].id == first[0].id
    with NodeStore.begin(database, write=False) as store:
        assert store.claim_due(limit=10, now=T0 - timedelta(seconds=1), lease=LEASE, token="x") == []
        claimed = store.claim_due(limit=10, now=T0, lease=LEASE, token="t1")
    assert [c.state for c in claimed] == [DeliveryState.SENDING] * 2
    assert all(c.attempts == 1 and c.claim_token == "t1" for c in claimed)
    with NodeStore.begin(database, write=False) as store:
        assert store.claim_due(limit=10, now=T0 + timedelta(minutes=1), lease=LEASE, token="t2") == []
        assert not store.settle(claimed[0].id, token="other", state=DeliveryState.DELIVERED)
        assert store.settle(
            claimed[0].id, token="t1", state=DeliveryState.DELIVERED, receipt_sha256="cd" * 32
        )
    # The second claim's worker died: once its lease ends the row is due again.
    with NodeStore.begin(database, write=False) as store:
        reclaimed = store.claim_due(limit=10, now=T0 + LEASE, lease=LEASE, token="t3")
        assert [r.id for r in reclaimed] == [claimed[1].id] and reclaimed[0].attempts == 2
        assert not store.settle(claimed[1].id, token="t1", state=DeliveryState.FAILED)
        counts = store.count_states()
    assert counts[DeliveryState.DELIVERED] == 1 and counts[DeliveryState.SENDING] == 1


def _claimer(url: str, start: threading.Barrier, seen: list[int], errors: list[BaseException]) -> None:
    database = open_database(url)
    token = secrets.token_hex(8)
    try:
        start.wait(timeout=30)
        for _ in range(200):  # bounded: 60 rows, at least one per round while any remain
            with NodeStore.begin(database, write=False) as store:
                batch = store.claim_due(limit=3, now=T0, lease=LEASE, token=token)
            if not batch:
                return
            seen.extend(entry.id for entry in batch)
    except BaseException as exc:
        errors.append(exc)
    finally:
        database.close()


def test_concurrent_claimers_never_take_the_same_row(database: Database, database_url: str) -> None:
    with NodeStore.begin(database) as store:
        rows = store.enqueue([_item(n) for n in range(60)], at=T0)
    start = threading.Barrier(3)
    seen: list[list[int]] = [[], [], []]
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_claimer, args=(database_url, start, seen[i], errors)) for i in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    claimed = [row for worker in seen for row in worker]
    assert sorted(claimed) == sorted(row.id for row in rows)  # each row once, none twice


def test_inbox_statuses_links_and_disposition(database: Database) -> None:
    entry = InboxEntry(
        message_id="01" * 32,
        document_id="D1",
        kind=PackageKind.DOCUMENT,
        package_sha256="ab" * 32,
        sender="000.00.00.H41",
        recipient="000.00.00.G22",
        received_at=T0,
    )
    status = StatusEntry(
        sender="000.00.00.H41",
        document_id="D1",
        reporter="000.00.00.G22",
        addressee="000.00.00.H41",
        status_code="03",
        timestamp=T0,
        package_sha256="cd" * 32,
        direction=Direction.OUT,
        recorded_at=T0,
    )
    with NodeStore.begin(database) as store:
        store.inbox_put(entry)
        assert store.inbox_get(entry.message_id, entry.recipient) == entry
        assert store.put_status(status) and not store.put_status(status)
        assert store.mark(
            document_id="D1",
            sender=entry.sender,
            recipient=entry.recipient,
            disposition=Disposition.RECALLED,
            by="D2",
        )
    with NodeStore.begin(database, write=False) as store:
        (marked,) = store.inbox(document_id="D1")
        assert marked.disposition is Disposition.RECALLED and marked.superseded_by == "D2"
        assert store.timeline("D1", sender="000.00.00.H41") == [status]
        assert store.timeline("D1", sender="000.00.00.G09") == []


def test_many_at_once_inbox_receipts_and_settles(database: Database) -> None:
    entries = [
        InboxEntry(
            message_id=f"{n:064x}",
            document_id=f"D{n}",
            kind=PackageKind.DOCUMENT,
            package_sha256="ab" * 32,
            sender="000.00.00.H41",
            recipient=recipient,
            received_at=T0,
        )
        for n, recipient in ((1, "000.00.00.G22"), (1, "000.00.00.H42"), (2, "000.00.00.G22"))
    ]
    receipt = ReceiptEntry(
        sha256="ee" * 32,
        raw=b"receipt",
        message_id=entries[0].message_id,
        recipient=entries[0].recipient,
        accepted=True,
        reason=None,
        direction=Direction.IN,
        at=T0,
    )
    with NodeStore.begin(database) as store:
        store.inbox_put_many(entries)
        wanted = [(e.message_id, e.recipient) for e in entries[1:]] + [
            (entries[0].message_id, "000.00.00.X99")
        ]
        assert store.inbox_get_many(wanted) == {(e.message_id, e.recipient): e for e in entries[1:]}
        store.put_receipts([receipt, receipt])  # the same bytes twice: kept once, no error
        store.put_receipts([receipt])
        store.enqueue([_item(1), _item(2), _item(3)], at=T0)
    with NodeStore.begin(database) as store:
        assert store.receipts(message_ids=[receipt.message_id]) == [receipt]
        one, two, three = store.claim_due(limit=10, now=T0, lease=LEASE, token="t1")
        settled = store.settle_many(
            {
                one.id: (DeliveryState.DELIVERED, "c1" * 32, None),
                two.id: (DeliveryState.REJECTED, "c2" * 32, "refused"),
            },
            token="t1",
        )
        assert settled == {one.id, two.id}
        assert (
            store.settle_many({three.id: (DeliveryState.DELIVERED, "c3" * 32, None)}, token="other") == set()
        )
    with NodeStore.begin(database, write=False) as store:
        rows = {e.id: e for e in store.outbox()}
    assert (rows[one.id].state, rows[one.id].receipt_sha256, rows[one.id].claim_token) == (
        DeliveryState.DELIVERED,
        "c1" * 32,
        None,
    )
    assert rows[two.id].state is DeliveryState.REJECTED and rows[two.id].last_error == "refused"
    assert rows[three.id].state is DeliveryState.SENDING and rows[three.id].receipt_sha256 is None, (
        "a row settled by a token that does not hold it"
    )


def test_reasons_are_stored_as_codes_and_old_sentences_still_read(database: Database) -> None:
    """A receipt's reason, an outbox row's error and a log note keep a message's code and
    parameters (JSON in the same text columns), read back as a ``Message``; rows written
    before messages were data hold a sentence, read back as it is."""
    why = msg("node-package-too-large", size=9000, limit=4096)
    final = msg("node-delivery-deadline-passed", attempts=3, reason=msg("node-peer-no-endpoint", peer="vpcp"))
    new, old = (
        ReceiptEntry(
            sha256=digest * 32,
            raw=b"receipt " + digest.encode(),
            message_id=f"{n:064x}",
            recipient="000.00.00.G22",
            accepted=False,
            reason=reason,
            direction=Direction.OUT,
            at=T0,
        )
        for n, digest, reason in ((1, "e1", why), (2, "e2", "gói tin 9000 byte vượt giới hạn 4096 byte"))
    )
    with NodeStore.begin(database) as store:
        store.put_receipts([new, old])
        (entry,) = store.enqueue([_item(1)], at=T0)
        (claimed,) = store.claim_due(limit=1, now=T0, lease=LEASE, token="t1")
        assert store.settle(claimed.id, token="t1", state=DeliveryState.FAILED, last_error=final)
        store.log(
            LogKind.DELIVERY_FAILED,
            at=T0,
            message_id=entry.message_id,
            document_id="D",
            party="P",
            note=final,
        )
    with NodeStore.begin(database, write=False) as store:
        held = {r.message_id: r.reason for r in store.receipts(message_ids=[new.message_id, old.message_id])}
        (row,) = store.outbox()
        (logged,) = store.log_entries()
    assert held == {new.message_id: why, old.message_id: "gói tin 9000 byte vượt giới hạn 4096 byte"}
    assert row.last_error == final and load_message(logged.record.note) == final
    assert logged.record.note == dump_message(final) and "vpcp" in logged.record.note
    assert "exceeds" not in dump_message(why) and "hết hạn" not in logged.record.note  # no words stored
    with database.engine.connect() as connection:
        column = connection.execute(
            text("SELECT reason FROM node_receipts WHERE sha256 = :s"), {"s": new.sha256}
        )
        assert column.scalar_one() == '{"code":"node-package-too-large","params":{"limit":4096,"size":9000}}'


def test_log_is_one_hash_chain(database: Database) -> None:
    for n in range(3):
        with NodeStore.begin(database) as store:
            store.log(
                LogKind.PACKAGE_IN,
                at=T0 + timedelta(seconds=n),
                message_id=f"{n:064x}",
                document_id=f"D{n % 2}",
                party="000.00.00.H41",
                sha256="ab" * 32,
            )
    with NodeStore.begin(database, write=False) as store:
        entries = store.log_entries()
        head = store.log_head()
        assert store.log_sequence("D0") == [1, 3]
    prev = GENESIS
    for seq, entry in enumerate(entries, start=1):
        assert entry.record.seq == seq and entry.prev_hash == prev
        assert entry.entry_hash == link_hash(prev, entry.record.digest())
        prev = entry.entry_hash
    assert head == (3, prev)


def test_retry_schedule_grows_with_jitter_and_stops_at_the_deadline() -> None:
    import random

    from lienthong.node import RetryPolicy, next_attempt

    policy = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=5))
    deadline = T0 + timedelta(hours=1)
    rand = random.Random(3)
    delays = []
    for attempts in range(1, 8):
        when = next_attempt(policy, attempts=attempts, now=T0, deadline=deadline, rand=rand)
        assert when is not None
        delays.append((when - T0).total_seconds())
    bounds = [min(300.0, 10.0 * 2 ** (n - 1)) for n in range(1, 8)]
    assert all(bound / 2 <= delay <= bound for delay, bound in zip(delays, bounds, strict=True))
    late = T0 + timedelta(minutes=59, seconds=50)
    assert next_attempt(policy, attempts=9, now=late, deadline=deadline, rand=rand) == deadline
    assert next_attempt(policy, attempts=10, now=deadline, deadline=deadline, rand=rand) is None
