"""The VXP replay memory in the node's database (``StoredReplays``), on SQLite and PostgreSQL:
shared by processes, atomic when they race, and purged in bounded batches."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import timedelta
from pathlib import Path

from lienthong.api import StoredReplays
from lienthong.store import ApiStore, Database
from lienthong.store._node_store import _writer_lock
from node.node_network import AT

UNTIL = AT + timedelta(hours=7, minutes=5)
#: Requests both processes offer.
OFFERED = 60

_RACER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta
    from pathlib import Path
    from lienthong.api import StoredReplays
    from lienthong.store import open_database

    url, go, at = sys.argv[1], Path(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
    database = open_database(url)
    guard = StoredReplays(lambda: database)
    print("ready", flush=True)
    for _ in range(1200):  # both start together: at most a minute
        if go.exists():
            break
        time.sleep(0.05)
    firsts = [
        i for i in range({offered})
        if guard.first_time("qlvb", format(i, "064x"), at=at, until=at + timedelta(hours=7))
    ]
    print(" ".join(map(str, firsts)), flush=True)
    database.close()
    """
).format(offered=OFFERED)


def test_two_processes_offered_the_same_requests_at_once_accept_each_exactly_once(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    command = [sys.executable, "-c", _RACER, database_url, str(go), AT.isoformat()]
    racers = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for racer in racers:
            assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [racer.communicate(timeout=120)[0] for racer in racers]
    finally:
        for racer in racers:
            racer.kill()
            racer.wait()
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    accepted = [int(n) for output in outputs for n in output.split()]
    assert sorted(accepted) == list(range(OFFERED))  # each once, whichever process got it
    # And this process, a third, sees them all as replays.
    guard = StoredReplays(lambda: database)
    assert not any(guard.first_time("qlvb", format(i, "064x"), at=AT, until=UNTIL) for i in range(3))


def test_a_request_is_held_until_its_time_and_then_forgotten(database: Database) -> None:
    guard = StoredReplays(lambda: database)
    mac = "ab" * 32
    assert guard.first_time("qlvb", mac, at=AT, until=UNTIL)
    assert not guard.first_time("qlvb", mac, at=UNTIL, until=UNTIL)  # still held at its last instant
    assert guard.first_time("other", mac, at=AT, until=UNTIL)  # keyed by systemid and MAC
    later = UNTIL + timedelta(microseconds=1)
    assert guard.first_time("qlvb", mac, at=later, until=later + timedelta(minutes=5))


def test_expired_requests_are_purged_in_bounded_batches(database: Database) -> None:
    with ApiStore.begin(database) as store:
        for i in range(5):
            assert store.remember_vxp_request("qlvb", format(i, "064x"), until=AT)
        assert store.remember_vxp_request("qlvb", "held" * 16, until=UNTIL)
    later = AT + timedelta(seconds=1)
    # A request forgets at most its batch of expired ones, however many there are.
    assert StoredReplays(lambda: database, purge_batch=2).first_time(
        "qlvb", "new" + "0" * 61, at=later, until=UNTIL
    )
    with ApiStore.begin(database) as store:
        assert store.forget_vxp_requests(before=later, limit=2) == 2
        assert store.forget_vxp_requests(before=later, limit=2) == 1
        assert store.forget_vxp_requests(before=later, limit=2) == 0
        assert not store.remember_vxp_request("qlvb", "held" * 16, until=UNTIL)  # not expired: kept


def _free_elsewhere(database: Database) -> bool:
    """Whether another thread could take this process's SQLite writer lock now."""
    lock = _writer_lock(database)
    answer: list[bool] = []

    def probe() -> None:
        answer.append(lock.acquire(blocking=False))
        if answer[0]:
            lock.release()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return answer[0]


def test_on_sqlite_the_replay_memory_queues_on_the_process_writer_lock(database: Database) -> None:
    """Many request threads writing at once wait in turn, not in SQLite's sleeping busy handler
    (measured: 230-320 requests/s from 8 threads without the lock, 1,000-1,300 with it)."""
    assert _free_elsewhere(database)
    with ApiStore.begin(database, writer=True) as store:
        assert _free_elsewhere(database) is (database.dialect != "sqlite")
        assert store.remember_vxp_request("qlvb", "cd" * 32, until=UNTIL)
    with ApiStore.begin(database) as store:  # readers and rare writers do not queue
        assert _free_elsewhere(database)
        assert not store.remember_vxp_request("qlvb", "cd" * 32, until=UNTIL)
