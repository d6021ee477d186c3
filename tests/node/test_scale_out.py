"""Two real ``lienthong node serve`` processes of one node on one PostgreSQL database share its
outbox: every document goes out once, each by one of them (``FOR UPDATE SKIP LOCKED``).

Both processes log each delivery (``--verbose``); the logs are read to see who sent what, and
the receiver's store to see that nothing came twice (a second sending would be acknowledged as
a duplicate and logged as a second receipt). Nothing asserts on time.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from lienthong.demo import wait_for
from lienthong.evidence import LogKind
from lienthong.node import DeliveryState, NodeRuntime, submit
from lienthong.store import NodeStore
from node.e2e_network import NodeProcess, e2e_network
from node.node_network import RECIPIENT, document

DOCUMENTS = 120
_DELIVERED = re.compile(r"delivery message=([0-9a-f]{16}) to=\S+ state=delivered")


def _sent_by(log: Path) -> list[str]:
    return _DELIVERED.findall(log.read_text(encoding="utf-8", errors="replace"))


def test_two_processes_on_one_postgresql_database_send_each_document_once(tmp_path: Path) -> None:
    networks = e2e_network("postgresql", tmp_path, options=("--verbose",))
    net = next(networks)
    first = net.nodes["nghe-an"]
    second = NodeProcess(
        "nghe-an-2", first.home, net.configuration, tmp_path / "nghe-an-2.log", options=("--verbose",)
    )
    try:
        second.start()  # the same home, so the same database, keys and outbox
        with NodeRuntime(net.homes["nghe-an"]) as runtime:
            message_ids = [
                submit(runtime.node(), document(f"7{n:04d}"), at=datetime.now(UTC)).message_id
                for n in range(DOCUMENTS)
            ]
        sender, receiver = net.database("nghe-an"), net.database("vpcp")

        def delivered() -> bool:
            with NodeStore.begin(sender, write=False) as store:
                states = [e.state for m in message_ids for e in store.outbox(message_id=m)]
            return len(states) == DOCUMENTS and set(states) == {DeliveryState.DELIVERED}

        assert wait_for(delivered, timeout=300, every=0.5), "not all delivered"
        with NodeStore.begin(receiver, write=False) as store:
            inbox = Counter(e.message_id for e in store.inbox(recipient=RECIPIENT))
            receipts = Counter(
                e.record.message_id for e in store.log_entries() if e.record.kind is LogKind.RECEIPT_OUT
            )
        assert all(inbox[m] == 1 for m in message_ids)
        assert all(receipts[m] == 1 for m in message_ids), "a document was sent twice"
    finally:
        second.stop()
        for _ in networks:
            pass
    by_first, by_second = _sent_by(first.log), _sent_by(second.log)
    print(f"sent by the first process {len(by_first)}, by the second {len(by_second)}")
    assert sorted(by_first + by_second) == sorted(m[:16] for m in message_ids)  # each once, by one
    assert by_first and by_second, "one process did all the work"
