"""Kill -9 the sender's and the receiver's node processes at random moments while documents flow.

Shared by ``test_faults.py`` (a few hundred documents) and ``bench/fault_run.py`` (the
issue's 2,000). Rounds: submit a share of the documents into the sender's outbox (as the API
would), let them flow for a random moment, ``kill -9`` one of the two nodes (each is killed
``kills`` times, in a random order), restart it on the same port. Then a bounded poll until
every row is settled, and the facts are counted: every document in the recipient's inbox
exactly once, an accepted receipt at the sender for each, both message logs one unbroken chain.
Nothing asserts on time; the seed is printed so a failure can be replayed.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from lienthong.demo import wait_for
from lienthong.evidence import GENESIS, LogKind, link_hash
from lienthong.node import DeliveryState, NodeRuntime, submit
from lienthong.store import Database, NodeStore
from node.e2e_network import E2ENetwork
from node.node_network import RECIPIENT, document

#: A killed process leaves its claims until their lease ends: short here, so the run is short.
FAULT_OPTIONS = ("--lease", "4")
SENDER_NODE, RECEIVER_NODE = "nghe-an", "vpcp"


@dataclass(frozen=True, slots=True)
class FaultCounts:
    seed: int
    documents: int
    kills: dict[str, int]
    delivered: int
    inbox_rows: int
    inbox_distinct: int
    accepted_receipts: int
    sender_log_entries: int
    receiver_log_entries: int
    chains_intact: bool
    #: Documents whose arrival the receiver logged with the hop record naming the sender's node.
    traced: int
    seconds: float

    @property
    def exactly_once(self) -> bool:
        return (
            self.documents
            == self.delivered
            == self.inbox_rows
            == self.inbox_distinct
            == self.accepted_receipts
        )

    def line(self) -> str:
        return (
            f"seed={self.seed} documents={self.documents} kills={self.kills} delivered={self.delivered} "
            f"inbox_rows={self.inbox_rows} inbox_distinct={self.inbox_distinct} "
            f"accepted_receipts={self.accepted_receipts} log_entries=({self.sender_log_entries}, "
            f"{self.receiver_log_entries}) chains_intact={self.chains_intact} traced={self.traced} "
            f"seconds={self.seconds:.1f}"
        )


def _hop_from(note: str) -> object:
    """The sending node a receiver's ``package-in`` note names (``lienthong.node.hop_note``)."""
    return json.loads(note).get("from_node") if note.startswith("{") else None


def _chain_intact(database: Database) -> tuple[bool, int]:
    with NodeStore.begin(database, write=False) as store:
        entries = store.log_entries()
    prev = GENESIS
    for number, entry in enumerate(entries, start=1):
        if entry.record.seq != number or entry.prev_hash != prev:
            return False, len(entries)
        if entry.entry_hash != link_hash(prev, entry.record.digest()):
            return False, len(entries)
        prev = entry.entry_hash
    return True, len(entries)


def run_faults(
    net: E2ENetwork, *, documents: int, kills: int, seed: int, settle_timeout: float = 300.0
) -> FaultCounts:
    """Run the scenario on ``net`` (started with ``FAULT_OPTIONS``); returns what was counted."""
    rand = random.Random(seed)
    started = time.monotonic()
    victims = [SENDER_NODE] * kills + [RECEIVER_NODE] * kills
    rand.shuffle(victims)
    rounds = len(victims) + 1
    share = -(-documents // rounds)
    message_ids: list[str] = []
    killed: Counter[str] = Counter()
    with NodeRuntime(net.homes[SENDER_NODE]) as runtime:
        for round_number in range(rounds):
            for _ in range(min(share, documents - len(message_ids))):
                data = document(f"9{len(message_ids):05d}")
                message_ids.append(submit(runtime.node(), data, at=datetime.now(UTC)).message_id)
            if round_number == len(victims):
                break
            time.sleep(rand.uniform(0.2, 1.5))  # a random moment into the flow, not a deadline
            victim = net.nodes[victims[round_number]]
            victim.kill()
            killed[victim.name] += 1
            time.sleep(rand.uniform(0.0, 0.5))  # down for a moment: the other side retries
            victim.start()  # the same port: the configuration still names it
    return count_flow(
        net, message_ids, seed=seed, kills=dict(killed), started=started, settle_timeout=settle_timeout
    )


def count_flow(
    net: E2ENetwork,
    message_ids: list[str],
    *,
    seed: int,
    kills: dict[str, int],
    started: float,
    settle_timeout: float = 300.0,
) -> FaultCounts:
    """Wait (bounded) until the sender has settled every one of ``message_ids``, then count the
    facts at both ends (shared by the failover scenario)."""
    sender, receiver = net.database(SENDER_NODE), net.database(RECEIVER_NODE)
    wanted = set(message_ids)

    def settled() -> bool:
        with NodeStore.begin(sender, write=False) as store:
            rows = [e for e in store.outbox(document_id=None) if e.message_id in wanted]
        return len(rows) == len(wanted) and all(e.state is DeliveryState.DELIVERED for e in rows)

    wait_for(settled, timeout=settle_timeout, every=0.5)
    with NodeStore.begin(sender, write=False) as store:
        delivered = sum(
            1
            for e in store.outbox()
            if e.message_id in wanted and e.state is DeliveryState.DELIVERED and e.receipt_sha256
        )
        accepted = {r.message_id for r in store.receipts(message_ids=message_ids) if r.accepted}
    with NodeStore.begin(receiver, write=False) as store:
        inbox = [
            (e.message_id, e.recipient) for e in store.inbox(recipient=RECIPIENT) if e.message_id in wanted
        ]
        traced = {
            e.record.message_id
            for e in store.log_entries()
            if e.record.kind is LogKind.PACKAGE_IN and _hop_from(e.record.note) == SENDER_NODE
        }
    sender_ok, sender_entries = _chain_intact(sender)
    receiver_ok, receiver_entries = _chain_intact(receiver)
    return FaultCounts(
        seed=seed,
        documents=len(message_ids),
        kills=kills,
        delivered=delivered,
        inbox_rows=len(inbox),
        inbox_distinct=len(set(inbox)),
        accepted_receipts=len(accepted & wanted),
        sender_log_entries=sender_entries,
        receiver_log_entries=receiver_entries,
        chains_intact=sender_ok and receiver_ok,
        traced=len(traced & wanted),
        seconds=time.monotonic() - started,
    )
