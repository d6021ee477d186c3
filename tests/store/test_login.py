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
