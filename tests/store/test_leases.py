"""Leases on both databases: one holder at a time, renewed by its holder, taken over once expired,
released at once; a lease nobody took yet goes to one of two processes racing for it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from lienthong.store import Database, Lease, lease_holder

T0 = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
TTL = timedelta(seconds=10)


def _lease(database: Database, holder: str, now: list[datetime]) -> Lease:
    return Lease(database, "statistics-reports", ttl=TTL, holder=holder, clock=lambda: now[0])


def test_one_holder_at_a_time_renewed_then_taken_over_once_expired(database: Database) -> None:
    now = [T0]
    first, second = _lease(database, "a", now), _lease(database, "b", now)
    assert first.hold()
    assert not second.hold(), "two holders at once"
    now[0] += TTL - timedelta(seconds=1)
    assert first.hold()  # the heartbeat: held a lease longer
    now[0] += TTL - timedelta(seconds=1)
    assert not second.hold(), "taken over before the renewed lease ended"
    held = lease_holder(database, "statistics-reports")
    assert held is not None and (held.holder, held.acquired_at) == ("a", T0)
    assert held.expires_at == now[0] + timedelta(seconds=1)

    now[0] += timedelta(seconds=1)  # "a" died: it renews no more, and its lease has ended
    assert second.hold()
    assert not first.hold(), "the old holder came back and took it again"
    held = lease_holder(database, "statistics-reports")
    assert held is not None and (held.holder, held.acquired_at) == ("b", now[0])


def test_a_released_lease_is_taken_at_once(database: Database) -> None:
    now = [T0]
    first, second = _lease(database, "a", now), _lease(database, "b", now)
    assert first.hold()
    second.release()  # not its lease: nothing happens
    assert not second.hold()
    first.release()
    assert first.current() is None
    assert second.hold()


def test_leases_of_other_names_are_independent(database: Database) -> None:
    now = [T0]
    assert _lease(database, "a", now).hold()
    assert Lease(database, "archive", ttl=TTL, holder="b", clock=lambda: now[0]).hold()


def test_two_processes_racing_for_a_new_lease_one_wins(database: Database) -> None:
    now = [T0]
    results: list[bool] = []
    start = threading.Barrier(4)

    def race(holder: str) -> None:
        lease = _lease(database, holder, now)
        start.wait(timeout=30)
        results.append(lease.hold())

    threads = [threading.Thread(target=race, args=(f"p{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False, False, False, True]


def test_a_lease_needs_a_name_and_a_time() -> None:
    with pytest.raises(ValueError, match="name"):
        Lease(None, "", ttl=TTL)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        Lease(None, "x", ttl=timedelta(0))  # type: ignore[arg-type]
