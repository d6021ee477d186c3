"""The issue's second must-show, with real processes: node vpcp on PostgreSQL with continuous
archiving (pgBackRest, its blobs in the database), its database restored to a restore point
taken mid-flood into a fresh data directory, its home marked restored (``lienthong node
resync``), started again while the flood goes on. At the end every document sent to vpcp is in
its inbox exactly once; every document vpcp had accepted is either taken back from its peer
(the resync) or reported unaccounted for and then sent again, and reaches the peer exactly
once; both message logs are one unbroken chain. (``bench/pitr_run.py`` runs it bigger.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from node.backup_scenario import RESTORED_NODE
from node.e2e_network import e2e_network
from node.fault_scenario import FAULT_OPTIONS
from node.pitr_scenario import run_pitr_scenario
from support import pg_cluster

PER_SHARE = 9


def test_a_node_whose_database_is_restored_to_a_point_in_time_loses_nothing_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    missing = pg_cluster.available() or (None if shutil.which("pgbackrest") else "pgbackrest not installed")
    if missing:
        pytest.fail(missing)
    with pg_cluster.pg_cluster(standby=False, archive=True) as cluster:
        cluster.create_database(RESTORED_NODE)
        urls = {RESTORED_NODE: cluster.url(RESTORED_NODE)}
        for net in e2e_network("sqlite", tmp_path, options=FAULT_OPTIONS, database_urls=urls):
            home = net.homes[RESTORED_NODE].home
            assert json.loads((home / "node.json").read_text(encoding="utf-8"))["blobs"] == "postgresql"
            counts = run_pitr_scenario(cluster, net, per_share=PER_SHARE)
            print(counts.line())
            assert counts.exactly_once, counts.line()
            assert counts.chains_intact, counts.line()
            assert counts.to_restored == 4 * PER_SHARE
            assert counts.from_restored == 3 * PER_SHARE + PER_SHARE // 3
            # The restore went back to the point: what vpcp accepted after it (the third share
            # and the last few) came back from its peer or was reported unaccounted for.
            assert counts.recovered + counts.unaccounted >= PER_SHARE + PER_SHARE // 3, counts.line()
            assert counts.unaccounted >= PER_SHARE // 3  # accepted as the node died: no peer held them
