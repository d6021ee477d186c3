"""The issue's fault run: 2,000 documents from nghe-an to vpcp while both nodes are killed
with ``kill -9`` at random moments (five times each by default), restarted, and checked.

Real ``lienthong node serve`` processes over mutual TLS on loopback (SQLite, or PostgreSQL with
a fresh schema per node and run, dropped after, on ``LIENTHONG_TEST_POSTGRES``),
the scenario of ``tests/node/fault_scenario.py`` (the test suite runs a smaller one). Prints the
seed first, then the counts; the last line is one JSON object. Exit 0 when every document is in
the inbox exactly once with an accepted receipt, both logs are unbroken chains and the receiver
logged each arrival with the hop record naming the sending node; 1 if not.

    .venv/bin/python bench/fault_run.py --documents 2000 --kills 5
    .venv/bin/python bench/fault_run.py --documents 2000 --kills 5 --backend postgresql

``--cluster``: vpcp as two processes (two homes, one PostgreSQL database) behind HAProxy, one of
them killed ``--kills`` times in all while nghe-an sends through the balancer and an application
submits through it, half the documents each way (``tests/node/cluster_scenario.py``). Exit 0 when
every document is delivered exactly once with an accepted receipt, each submission made one
document, both logs are unbroken and the events read across both processes came once each.

    .venv/bin/python bench/fault_run.py --cluster --documents 2000 --kills 10
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from node.cluster_scenario import cluster_network, run_cluster  # noqa: E402
from node.e2e_network import e2e_network  # noqa: E402
from node.fault_scenario import FAULT_OPTIONS, run_faults  # noqa: E402


def _cluster(documents: int, kills: int, seed: int) -> int:
    clusters = cluster_network(Path(tempfile.mkdtemp(prefix="lienthong-cluster-")))
    cluster = next(clusters)
    try:
        counts = run_cluster(cluster, documents=documents, kills=kills, seed=seed, settle_timeout=3600)
    finally:
        for _ in clusters:
            pass
    print(counts.line(), file=sys.stderr)
    ok = counts.exactly_once and counts.chains_intact and counts.events_once and counts.statistics_once
    print(
        json.dumps(
            {
                **dataclasses.asdict(counts),
                "backend": "postgresql",
                "processes": 2,
                "documents": counts.documents,
                "docs_per_s": round(counts.documents / counts.seconds, 1) if counts.seconds else None,
                "exactly_once": counts.exactly_once,
                "events_once": counts.events_once,
                "statistics_once": counts.statistics_once,
                "ok": ok,
            }
        )
    )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=5, help="kills of each node (--cluster: in all)")
    parser.add_argument("--cluster", action="store_true", help="two processes behind HAProxy")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {seed}", file=sys.stderr, flush=True)
    if args.cluster:
        return _cluster(args.documents, args.kills, seed)
    networks = e2e_network(
        args.backend, Path(tempfile.mkdtemp(prefix="lienthong-faults-")), options=FAULT_OPTIONS
    )
    net = next(networks)
    try:
        counts = run_faults(net, documents=args.documents, kills=args.kills, seed=seed, settle_timeout=900)
    finally:
        for _ in networks:
            pass
    print(counts.line(), file=sys.stderr)
    ok = counts.exactly_once and counts.chains_intact and counts.traced == counts.documents
    print(
        json.dumps(
            {
                **dataclasses.asdict(counts),
                "backend": args.backend,
                "docs_per_s": round(counts.documents / counts.seconds, 1) if counts.seconds else None,
                "exactly_once": counts.exactly_once,
                "ok": ok,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
