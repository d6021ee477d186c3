"""Database failover: multi-host URLs in both spellings, interruptions told apart from other
errors, and work interrupted by a primary's loss replayed on the promoted standby."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy.exc import InternalError, OperationalError

from lienthong._loop import Backoff
from lienthong.store import (
    DatabaseInterrupted,
    DatabaseUnavailable,
    NodeStore,
    ReplayPolicy,
    StoreError,
    migrate,
    open_database,
    replay,
    sqlite_file,
    translate_errors,
)
from store.node_writes import held, receive, received
from support import pg_cluster


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://lt:secret@h1:5432,h2:5433/node?target_session_attrs=read-write",
        "postgresql+psycopg://lt:secret@/node?host=h1,h2&port=5432,5433&target_session_attrs=read-write",
    ],
)
def test_libpq_and_sqlalchemy_multi_host_urls_reach_libpq_alike(url: str) -> None:
    database = open_database(url)
    try:
        _, params = database.engine.dialect.create_connect_args(database.engine.url)
    finally:
        database.close()
    assert params["host"] == "h1,h2"
    assert params["port"] == "5432,5433"
    assert params["dbname"] == "node"
    assert params["target_session_attrs"] == "read-write"
    assert "secret" not in database.url
    assert sqlite_file(url) is None


def test_a_multi_host_url_without_ports_and_a_bad_port() -> None:
    database = open_database("postgresql+psycopg://h1,h2/node")
    try:
        _, params = database.engine.dialect.create_connect_args(database.engine.url)
    finally:
        database.close()
    assert params["host"] == "h1,h2"
    assert not params.get("port", "").strip(",")  # libpq: each server on the default port
    with pytest.raises(DatabaseUnavailable):
        open_database("postgresql+psycopg://h1:x,h2:5433/node")


@pytest.mark.parametrize(
    ("driver_error", "wrapper", "expected"),
    [
        (psycopg.OperationalError("server closed the connection unexpectedly"), OperationalError, True),
        (psycopg.errors.AdminShutdown(), OperationalError, True),
        (psycopg.errors.CannotConnectNow(), OperationalError, True),  # in recovery mode
        (psycopg.errors.ReadOnlySqlTransaction(), InternalError, True),  # a standby, after a switch
        (psycopg.errors.LockNotAvailable(), OperationalError, False),
        (sqlite3.OperationalError("database is locked"), OperationalError, False),
    ],
)
def test_only_a_server_going_away_or_turning_read_only_is_an_interruption(
    driver_error: Exception, wrapper: type[OperationalError | InternalError], expected: bool
) -> None:
    with pytest.raises(StoreError) as raised, translate_errors():
        raise wrapper("COMMIT", {}, driver_error)
    assert isinstance(raised.value, DatabaseInterrupted) is expected


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_interrupted_work_runs_again_until_it_succeeds_or_the_bound_passes(tmp_path: object) -> None:
    database = open_database("sqlite://")
    clock = _Clock()
    policy = ReplayPolicy(backoff=Backoff(base=timedelta(seconds=1), cap=timedelta(seconds=4)),
                          within=timedelta(seconds=10))  # fmt: skip
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise DatabaseInterrupted("gone")
        return "done"

    assert replay(database, flaky, policy=policy, sleep=clock.sleep, clock=clock) == "done"
    assert len(calls) == 3

    def gone() -> str:
        calls.append(1)
        raise DatabaseInterrupted("gone")

    calls.clear()
    clock.now = 0.0
    with pytest.raises(DatabaseInterrupted):
        replay(database, gone, policy=policy, sleep=clock.sleep, clock=clock)
    assert 2 <= len(calls) <= 6 and clock.now <= 10  # bounded: never waits past ``within``

    def refused() -> str:
        calls.append(1)
        raise DatabaseUnavailable("wrong password")

    calls.clear()
    with pytest.raises(DatabaseUnavailable):
        replay(database, refused, policy=policy, sleep=clock.sleep, clock=clock)
    assert len(calls) == 1  # not an interruption: not replayed
    database.close()


def test_a_transaction_cut_by_the_primary_s_death_is_replayed_on_the_promoted_standby() -> None:
    """kill -9 of the primary between a transaction's writes and its commit: the work is
    replayed on a fresh connection; the multi-host URL leads it to the standby once promoted;
    every earlier commit is there (the standby was synchronous), the cut one exactly once."""
    missing = pg_cluster.available()
    if missing:
        pytest.fail(missing)
    with pg_cluster.pg_cluster() as cluster:
        cluster.create_database("lt")
        database = open_database(cluster.url("lt"))
        try:
            migrate(database)
            receive(database, range(1, 6))
            attempts: list[int] = []
            promoting = threading.Timer(0.5, cluster.standby.promote) if cluster.standby else None
            assert promoting is not None

            def cut() -> None:
                attempts.append(1)
                with NodeStore.begin(database) as store:
                    received(store, 6)
                    if len(attempts) == 1:  # the host dies before the commit
                        cluster.primary.kill()
                        promoting.start()

            replay(database, cut)
            promoting.join()
            assert len(attempts) >= 2
            assert held(database) == ([f"m{n}" for n in range(1, 7)], True)
        finally:
            database.close()
