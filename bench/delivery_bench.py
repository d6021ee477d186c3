"""Delivery end to end: N signed 5 KB packages from node A (nghe-an) to node B (vpcp).

Real ``lienthong node serve`` processes over mutual TLS on loopback, SQLite, the network of
``tests/node/e2e_network.py`` (three nodes; only two carry traffic). Each package is signed
first (that cost, per package, is the "raw signature cost"), then all are submitted into A's
outbox at once; A's workers deliver them, B verifies, stores and receipts, A stores the
receipt. Latency: from acceptance at A to A's stored receipt. Last line: one JSON object.

    .venv/bin/python bench/delivery_bench.py --documents 500
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from lienthong.edxml import DocumentBuilder, write_package  # noqa: E402
from lienthong.node import DeliveryState, NodeRuntime, submit  # noqa: E402
from lienthong.store import NodeStore  # noqa: E402
from lienthong.trust import sign_package  # noqa: E402
from node.e2e_network import e2e_network, wait_for  # noqa: E402
from node.node_network import RECIPIENT, SENDER  # noqa: E402


def _package(number: int) -> bytes:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(str(number), "UBND-VP")
    builder = builder.subject(f"V/v đo hiệu năng số {number}").promulgation(on=date(2026, 3, 2), place="Vinh")
    builder = builder.recipient(RECIPIENT).attach("vb.pdf", b"%PDF-1.4\n" + os.urandom(1500) + b"\n%%EOF\n")
    return write_package(builder.build(at=datetime.now(UTC)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="lienthong-bench-"))
    networks = e2e_network("sqlite", base)
    net = next(networks)
    try:
        signer = net.signer(SENDER)
        unsigned = [_package(n) for n in range(1, args.documents + 1)]
        started = time.perf_counter()
        signed = [sign_package(data, signer) for data in unsigned]
        sign_seconds = (time.perf_counter() - started) / len(signed)
        size = statistics.mean(len(s) for s in signed)
        accepted: dict[str, float] = {}
        with NodeRuntime(net.homes["nghe-an"]) as runtime:
            started = time.perf_counter()
            for data in signed:
                accepted[submit(runtime.node(), data, at=datetime.now(UTC)).message_id] = time.time()
        database = net.database("nghe-an")

        def done() -> bool:
            with NodeStore.begin(database, write=False) as store:
                states = store.count_states()
            return states.get(DeliveryState.DELIVERED, 0) >= len(signed)

        finished = wait_for(done, timeout=600, every=0.05)
        elapsed = time.perf_counter() - started
        with NodeStore.begin(database, write=False) as store:
            receipts = store.receipts(message_ids=list(accepted))
        latencies = sorted(r.at.timestamp() - accepted[r.message_id] for r in receipts if r.accepted)
        per_second = len(latencies) / elapsed
        result = {
            "documents": len(signed),
            "delivered": len(latencies),
            "complete": bool(finished),
            "package_bytes": round(size),
            "seconds": round(elapsed, 2),
            "documents_per_second": round(per_second, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
            "p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)
            if latencies
            else None,
            "sign_ms": round(1000 * sign_seconds, 2),
            "end_to_end_per_document_over_sign": round((elapsed / max(len(latencies), 1)) / sign_seconds, 2),
        }
        print(
            f"{result['delivered']}/{result['documents']} delivered in {result['seconds']} s", file=sys.stderr
        )
        print(json.dumps(result))
    finally:
        for _ in networks:
            pass


if __name__ == "__main__":
    main()
