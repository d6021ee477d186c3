"""PostgreSQL continuous archiving with pgBackRest (#19), the production way: a full backup,
WAL archived by ``archive_command``, and a restore into a new data directory up to a named
restore point holds exactly the node's documents committed before it, its log an unbroken
chain. (The node's resync after such a restore chains on ``PgCluster.restore_to``.)"""

from __future__ import annotations

import shutil

import pytest

from lienthong.store import migrate, open_database
from store.node_writes import held, receive
from support import pg_cluster


def test_a_restore_to_a_restore_point_holds_exactly_what_was_committed_before_it() -> None:
    missing = pg_cluster.available() or (None if shutil.which("pgbackrest") else "pgbackrest not installed")
    if missing:
        pytest.fail(missing)
    with pg_cluster.pg_cluster(standby=False, archive=True) as cluster:
        cluster.create_database("lt")
        database = open_database(cluster.url("lt"))
        try:
            migrate(database)
            receive(database, range(1, 6))
            cluster.backup()  # last night's backup
            receive(database, range(6, 11))  # the day's documents, in the archived WAL only
            cluster.primary.sql("SELECT pg_create_restore_point('before-m11')")
            receive(database, range(11, 16))  # after the target: must not come back
            cluster.backrest_run("check")  # switches WAL and waits until it is archived
        finally:
            database.close()
        restored = cluster.restore_to(target="before-m11")
        assert restored.port != cluster.primary.port
        again = open_database(f"postgresql+psycopg://postgres@127.0.0.1:{restored.port}/lt")
        try:
            assert held(again) == ([f"m{n}" for n in range(1, 11)], True)
            receive(again, range(11, 12))  # the restored database takes writes (promoted)
            assert held(again) == ([f"m{n}" for n in range(1, 12)], True)
        finally:
            again.close()
