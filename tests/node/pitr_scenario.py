"""Node vpcp on PostgreSQL with continuous archiving (pgBackRest), its database restored to a
restore point taken mid-flood; the flood goes on. Run by ``bench/pitr_run.py`` (a few
minutes on a busy machine: the suite keeps its pieces, see there).

vpcp's database is on a ``pg_cluster`` primary whose WAL pgBackRest archives; its blobs are in
that database (``"blobs": "postgresql"``, the default there), so the database is all there is
to restore. The other nodes are those of ``e2e_network``. Steps:

1. a first share flows both ways; a full pgBackRest backup (last night's);
2. a second share; ``pg_create_restore_point('mid-flood')`` while it is in flight; a third
   share both ways (after the point: the restored database will not hold it); ``kill -9`` of
   vpcp, a few more documents accepted by its API as it died (never delivered); the archive
   checked (the WAL switched and archived), then ``kill -9`` of the database server;
3. pgBackRest restores the database to the restore point into a fresh data directory on a new
   server; vpcp's home is pointed at it and marked restored (``lienthong node resync``: the
   log head found there is the point); ``node serve`` again; a fourth share from nghe-an;
4. and 5. as in ``backup_scenario``: resync, what vpcp cannot account for sent again, count.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from lienthong.node import NodeHome
from node.backup_scenario import RESTORED_NODE, BackupCounts, Flood, lienthong, settle
from node.e2e_network import E2ENetwork
from support.pg_cluster import PgCluster

RESTORE_POINT = "mid-flood"


def restored_url(port: int) -> str:
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{RESTORED_NODE}"


def point_home_at(home: Path, url: str) -> None:
    """What the operator does after the restore: ``node.json`` names the restored server."""
    settings_path = home / "node.json"
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    settings["database"] = url
    settings_path.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def repository_bytes(cluster: PgCluster) -> int:
    """The pgBackRest repository's size on disk (the backup and the archived WAL)."""
    return sum(
        (Path(folder) / name).stat().st_size
        for folder, _folders, files in os.walk(cluster.base / "repo")
        for name in files
    )


def run_pitr_scenario(
    cluster: PgCluster, net: E2ENetwork, *, per_share: int, pause: float = 1.0
) -> BackupCounts:
    """The scenario (see the module); vpcp's home must name ``cluster.url(RESTORED_NODE)``."""
    flood = Flood(net, per_share)
    victim = net.nodes[RESTORED_NODE]
    flood.share(0, own=True)
    time.sleep(pause)
    started = time.monotonic()
    cluster.backup()
    backup_seconds = time.monotonic() - started
    flood.share(1, own=True)
    time.sleep(pause)  # mid-flood: some delivered, some not yet
    cluster.primary.sql(f"SELECT pg_create_restore_point('{RESTORE_POINT}')")
    flood.share(2, own=True)  # after the point
    time.sleep(pause)
    victim.kill()
    flood.late(3)
    if RESTORED_NODE in net.databases:
        net.databases.pop(RESTORED_NODE).close()
    cluster.backrest_run("check")  # switches the WAL and waits until it is archived
    cluster.primary.kill()

    started = time.monotonic()
    server = cluster.restore_to(target=RESTORE_POINT)
    point_home_at(victim.home, restored_url(server.port))
    done = lienthong("node", "resync", "--home", str(victim.home))
    assert done.returncode == 0, done.stderr
    restore_seconds = time.monotonic() - started
    net.homes[RESTORED_NODE] = NodeHome.load(victim.home)
    victim.start()
    flood.share(3, own=False)  # the flood goes on
    return settle(
        flood,
        backup_seconds=backup_seconds,
        backup_bytes=repository_bytes(cluster),
        restore_seconds=restore_seconds,
    )
