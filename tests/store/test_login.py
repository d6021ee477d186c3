"""The console's login audit on both databases: attempts counted by name and by address over a
time range, lockouts found while in force only, both read back newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lienthong.store import Database, Lockout, LockoutKind, LoginAttempt, LoginOutcome, LoginStore

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_failures_are_counted_by_name_and_by_address_after_a_moment(database: Database) -> None:
    with LoginStore.begin(database) as store:
        for minute, (user, address) in enumerate(
            [("lan", "10.0.0.1"), ("lan", "10.0.0.2"), ("minh", "10.0.0.1")]
        ):
            store.record(LoginAttempt(AT + timedelta(minutes=minute), user, address, LoginOutcome.FAILURE))
        store.record(LoginAttempt(AT + timedelta(minutes=5), "lan", "10.0.0.1", LoginOutcome.SUCCESS))
    with LoginStore.begin(database) as store:
        assert store.failures(LockoutKind.USER, "lan", since=AT - timedelta(seconds=1)) == 2
        assert store.failures(LockoutKind.USER, "lan", since=AT + timedelta(minutes=1)) == 1
        assert store.failures(LockoutKind.ADDRESS, "10.0.0.1", since=AT - timedelta(seconds=1)) == 2
        success = store.last_success("lan")
        assert success > 0
        assert store.last_success("minh") == 0
        assert store.failures(LockoutKind.USER, "lan", since=AT - timedelta(seconds=1), after=success) == 0
        assert [a.outcome for a in store.attempts(user="lan")] == [
            LoginOutcome.SUCCESS,
            LoginOutcome.FAILURE,
            LoginOutcome.FAILURE,
        ]


def test_a_lockout_is_in_force_from_its_start_to_its_end(database: Database) -> None:
    ends = AT + timedelta(minutes=15)
    with LoginStore.begin(database) as store:
        store.lock(Lockout(LockoutKind.ADDRESS, "10.0.0.9", AT, ends, "khach", "10.0.0.9"))
    with LoginStore.begin(database) as store:
        assert store.locked_until(user="lan", address="10.0.0.9", now=AT) == ends
        assert store.locked_until(user="lan", address="10.0.0.1", now=AT) is None
        assert store.locked_until(user="lan", address="10.0.0.9", now=ends) is None
        assert store.last_lockout_end(LockoutKind.ADDRESS, "10.0.0.9") == ends
        assert store.lockouts_since(LockoutKind.ADDRESS, "10.0.0.9", AT - timedelta(hours=1)) == 1
        assert store.lockouts() == [Lockout(LockoutKind.ADDRESS, "10.0.0.9", AT, ends, "khach", "10.0.0.9")]


def test_an_unlock_ends_the_lockout_now_and_keeps_its_row(database: Database) -> None:
    ends = AT + timedelta(minutes=15)
    later = AT + timedelta(minutes=5)
    with LoginStore.begin(database) as store:
        store.lock(Lockout(LockoutKind.USER, "lan", AT, ends, "lan", "10.0.0.1"))
        store.lock(Lockout(LockoutKind.USER, "minh", AT, ends, "minh", "10.0.0.1"))
    with LoginStore.begin(database) as store:
        assert store.unlock(LockoutKind.USER, "lan", now=later) == ends
        assert store.unlock(LockoutKind.USER, "lan", now=later) is None, "nothing left in force"
    with LoginStore.begin(database) as store:
        assert store.locked_until(user="lan", address="10.0.0.2", now=later) is None
        assert store.locked_until(user="minh", address="10.0.0.2", now=later) == ends
        assert store.last_lockout_end(LockoutKind.USER, "lan") == later  # failures before it are paid
        assert [(lock.subject, lock.ends_at) for lock in store.lockouts()] == [("minh", ends), ("lan", later)]
        assert [lock.subject for lock in store.lockouts(now=later)] == ["minh"]


def test_attempts_page_back_by_number_and_filter_by_address_and_time(database: Database) -> None:
    with LoginStore.begin(database) as store:
        for minute in range(6):
            outcome = LoginOutcome.SUCCESS if minute % 3 == 2 else LoginOutcome.FAILURE
            user, address = ("lan", "10.0.0.1") if minute % 2 else ("minh", "10.0.0.2")
            store.record(LoginAttempt(AT + timedelta(minutes=minute), user, address, outcome))
    with LoginStore.begin(database) as store:
        first = store.attempts(limit=4)
        assert [a.at.minute for a in first] == [5, 4, 3, 2]
        assert [a.at.minute for a in store.attempts(limit=4, before=first[-1].id)] == [1, 0]
        assert [a.at.minute for a in store.attempts(address="10.0.0.2")] == [4, 2, 0]
        window = store.attempts(since=AT + timedelta(minutes=1), until=AT + timedelta(minutes=3))
        assert [a.at.minute for a in window] == [2, 1]
        assert store.last_logins() == {"minh": AT + timedelta(minutes=2), "lan": AT + timedelta(minutes=5)}
