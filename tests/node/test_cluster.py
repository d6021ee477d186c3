"""One node as two real processes behind HAProxy (two homes, one PostgreSQL database, the same
keys), one of them killed with ``kill -9`` three times while a peer node sends through the
balancer and an application submits through it: every document delivered exactly once with an
accepted receipt, each submission one document, both message logs unbroken, the day's figures its
statistics reports are built from counting each document once, and the API's events continued
from one process to the other with each id once (``cluster_scenario``; the long form
is ``bench/fault_run.py --cluster``)."""

from __future__ import annotations

import random
from pathlib import Path

from node.cluster_scenario import cluster_network, run_cluster

DOCUMENTS, KILLS = 60, 3


def test_a_process_killed_behind_the_balancer_loses_and_repeats_nothing(tmp_path: Path) -> None:
    seed = random.SystemRandom().randrange(2**32)
    print(f"seed {seed}")
    clusters = cluster_network(tmp_path)
    cluster = next(clusters)
    try:
        counts = run_cluster(cluster, documents=DOCUMENTS, kills=KILLS, seed=seed)
    finally:
        for _ in clusters:
            pass
    print(counts.line())
    assert counts.documents == DOCUMENTS
    assert counts.exactly_once, counts.line()
    assert counts.chains_intact, counts.line()
    assert counts.events_once, counts.line()
    assert counts.statistics_once, counts.line()
