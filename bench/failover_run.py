"""The issue's failover run: documents from nghe-an to vpcp while vpcp's PostgreSQL primary is
killed with ``kill -9`` mid-flood and its synchronous streaming standby promoted.

A primary and a standby started for the run on loopback ports (``tests/support/pg_cluster.py``:
``initdb``, ``pg_basebackup -R``, ``synchronous_standby_names``, ``pg_ctl promote``), real
``lienthong node serve`` processes over mutual TLS (``tests/node/e2e_network.py``), vpcp on the
cluster through a libpq multi-host URL with ``target_session_attrs=read-write``, the scenario
of ``tests/node/failover_scenario.py``. Prints the seed first, then the counts; the last line
is one JSON object (``documents``, ``delivered``, ``duplicates``, ``lost``, ``failover_s``,
``seconds``). Exit 0 when every document is in the inbox exactly once with an accepted receipt
and both logs are unbroken chains; 1 if not. Runs as root (PostgreSQL then runs as
``postgres``) or as a user that may run the PostgreSQL 15 tools.

    .venv/bin/python bench/failover_run.py --documents 2000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from node.failover_scenario import failover_network, run_failover  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--sender-backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"seed {seed}", file=sys.stderr, flush=True)
    networks = failover_network(
        Path(tempfile.mkdtemp(prefix="lienthong-failover-")), backend=args.sender_backend
    )
    cluster, net = next(networks)
    try:
        result = run_failover(cluster, net, documents=args.documents, seed=seed, settle_timeout=900)
    finally:
        for _ in networks:
            pass
    print(result.counts.line(), file=sys.stderr)
    figures = result.as_json()
    seconds = result.counts.seconds
    rate = round(result.counts.documents / seconds, 1) if seconds else None
    print(json.dumps({**figures, "docs_per_s": rate, "ok": result.ok}))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
