"""The receiver's PostgreSQL primary killed mid-flood, its synchronous standby promoted.

Shared by ``test_failover.py`` (a few dozen documents) and ``bench/failover_run.py``. The
receiving node (vpcp) runs ``node serve`` on a ``pg_cluster`` database through the libpq
multi-host URL (``target_session_attrs=read-write``); the sender (nghe-an) on its own database.
Documents are submitted in two halves: during the first the primary is killed with ``kill -9``
(postmaster and backends, mid-transaction), after a random moment the standby is promoted,
then the second half goes. Then ``fault_scenario.count_flow`` counts: every document in the
receiver's inbox exactly once, an accepted receipt for each, both logs unbroken chains.
``failover_s``: from the kill to the first delivery the sender records after the promotion.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lienthong.demo import wait_for
from lienthong.node import DeliveryState, NodeRuntime, submit
from lienthong.store import NodeStore
from node.e2e_network import E2ENetwork, e2e_network
from node.fault_scenario import FAULT_OPTIONS, RECEIVER_NODE, SENDER_NODE, FaultCounts, count_flow
from node.node_network import document
from support.pg_cluster import PgCluster, pg_cluster


@dataclass(frozen=True, slots=True)
class FailoverCounts:
    counts: FaultCounts
    #: Seconds from the primary's kill to the first delivery settled after the promotion.
    failover_s: float

    @property
    def ok(self) -> bool:
        return self.counts.exactly_once and self.counts.chains_intact

    def as_json(self) -> dict[str, object]:
        c = self.counts
        return {
            "documents": c.documents,
            "delivered": c.delivered,
            "duplicates": c.inbox_rows - c.inbox_distinct,
            "lost": c.documents - c.inbox_distinct,
            "accepted_receipts": c.accepted_receipts,
            "chains_intact": c.chains_intact,
            "failover_s": round(self.failover_s, 2),
            "seconds": round(c.seconds, 1),
            "seed": c.seed,
        }


def failover_network(base: Path, *, backend: str = "sqlite") -> Iterator[tuple[PgCluster, E2ENetwork]]:
    """A primary with a synchronous standby, and the three e2e nodes, the receiver's database on
    the cluster; everything stopped and removed after."""
    with pg_cluster(standby=True) as cluster:
        cluster.create_database("vpcp")
        networks = e2e_network(
            backend, base, options=FAULT_OPTIONS, database_urls={RECEIVER_NODE: cluster.url("vpcp")}
        )
        net = next(networks)
        try:
            yield cluster, net
        finally:
            for _ in networks:
                pass


def _delivered(net: E2ENetwork) -> int:
    with NodeStore.begin(net.database(SENDER_NODE), write=False) as store:
        return store.count_states().get(DeliveryState.DELIVERED, 0)


def run_failover(
    cluster: PgCluster, net: E2ENetwork, *, documents: int, seed: int, settle_timeout: float = 300.0
) -> FailoverCounts:
    """Run the scenario (see the module); returns what was counted."""
    rand = random.Random(seed)
    started = time.monotonic()
    message_ids: list[str] = []
    half = documents // 2
    assert cluster.standby is not None
    with NodeRuntime(net.homes[SENDER_NODE]) as runtime:
        for _ in range(half):
            message_ids.append(
                submit(runtime.node(), document(f"8{len(message_ids):05d}"), at=datetime.now(UTC)).message_id
            )
        # Mid-flood: once some have arrived and while the rest are in flight.
        wait_for(lambda: _delivered(net) >= max(1, half // 4), timeout=settle_timeout, every=0.05)
        killed_at = time.monotonic()
        cluster.primary.kill()
        time.sleep(rand.uniform(0.2, 1.5))  # nobody accepts writes for a moment
        cluster.standby.promote()
        promoted = _delivered(net)
        resumed: float | None = None
        for number in range(documents - half):
            data = document(f"8{len(message_ids):05d}")
            message_ids.append(submit(runtime.node(), data, at=datetime.now(UTC)).message_id)
            if resumed is None and number % 10 == 0 and _delivered(net) > promoted:
                resumed = time.monotonic()
        if resumed is None:
            wait_for(lambda: _delivered(net) > promoted, timeout=settle_timeout, every=0.05)
            resumed = time.monotonic()
        failover_s = resumed - killed_at
    counts = count_flow(
        net, message_ids, seed=seed, kills={"primary": 1}, started=started, settle_timeout=settle_timeout
    )
    return FailoverCounts(counts, failover_s)
