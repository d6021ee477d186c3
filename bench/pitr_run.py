"""#19's PostgreSQL must-show, with real processes: node vpcp on a PostgreSQL database archived
by pgBackRest (its blobs in the database), restored to a restore point taken mid-flood into a
fresh data directory, its home marked restored (``lienthong node resync``), started again while
the flood goes on (``tests/node/pitr_scenario.py`` says each step).

Checks, and exits 1 unless all hold: every document sent to vpcp is in its inbox exactly once;
every document vpcp's API accepted is delivered once, taken back from its peer by the resync or
reported unaccounted for and then sent again; what vpcp accepted after the point came back one
way or the other; both message logs are one unbroken chain. Prints the counts, the backup's and
the restore's times and the repository's size; the last line is one JSON object. (The suite
keeps its pieces: ``tests/store/test_point_in_time.py``, the restore to a point, and
``tests/node/test_backup.py``, ``node resync``; a whole run takes minutes on a busy machine.)

    .venv/bin/python bench/pitr_run.py --per-share 30
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from node.backup_scenario import RESTORED_NODE  # noqa: E402
from node.e2e_network import e2e_network  # noqa: E402
from node.fault_scenario import FAULT_OPTIONS  # noqa: E402
from node.pitr_scenario import run_pitr_scenario  # noqa: E402
from support import pg_cluster  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-share", type=int, default=12, help="documents in each share of the flood")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a share flows before the next step")
    args = parser.parse_args()
    missing = pg_cluster.available() or (None if shutil.which("pgbackrest") else "pgbackrest not installed")
    if missing:
        print(missing, file=sys.stderr)
        return 2
    per_share = args.per_share
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="pitr-run-") as folder,
        pg_cluster.pg_cluster(standby=False, archive=True) as cluster,
    ):
        cluster.create_database(RESTORED_NODE)
        urls = {RESTORED_NODE: cluster.url(RESTORED_NODE)}
        for net in e2e_network("sqlite", Path(folder), options=FAULT_OPTIONS, database_urls=urls):
            counts = run_pitr_scenario(cluster, net, per_share=per_share, pause=args.pause)
    seconds = time.monotonic() - started
    after_point = per_share + max(1, per_share // 3)  # the third share and the last few
    came_back = counts.recovered + counts.unaccounted >= after_point
    ok = (
        counts.exactly_once
        and counts.chains_intact
        and counts.to_restored == 4 * per_share
        and counts.from_restored == 3 * per_share + max(1, per_share // 3)
        and came_back
    )
    print(counts.line(), file=sys.stderr)
    print(
        f"to vpcp: {counts.to_restored} sent, {counts.restored_inbox_rows} inbox rows; from vpcp: "
        f"{counts.from_restored} accepted, {counts.recovered} taken back from the peer, "
        f"{counts.unaccounted} unaccounted for and sent again, {counts.peer_inbox_rows} peer inbox rows",
        file=sys.stderr,
    )
    print(
        f"pgBackRest: backup {counts.backup_seconds:.1f} s, restore to the point and node resync "
        f"{counts.restore_seconds:.1f} s, repository {counts.backup_bytes / 1e6:.1f} MB; run {seconds:.0f} s",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "ok": ok,
                "documents_to_node": counts.to_restored,
                "documents_from_node": counts.from_restored,
                "recovered_documents": counts.recovered,
                "unaccounted_documents": counts.unaccounted,
                "duplicates": (counts.restored_inbox_rows - counts.restored_inbox_distinct)
                + (counts.peer_inbox_rows - counts.peer_inbox_distinct),
                "lost": (counts.to_restored - counts.restored_inbox_distinct)
                + (counts.from_restored - counts.peer_inbox_distinct),
                "chains_intact": counts.chains_intact,
                "backup_s": round(counts.backup_seconds, 2),
                "restore_s": round(counts.restore_seconds, 2),
                "repository_mb": round(counts.backup_bytes / 1e6, 2),
                "seconds": round(seconds, 1),
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
