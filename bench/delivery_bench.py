"""Delivery end to end: N signed packages (5 KB by default) from node A (nghe-an) to node B (vpcp).

Real ``lienthong node serve`` processes over mutual TLS on loopback, SQLite (``bench_network``,
no test helpers). Each package is signed first and verified once (those per-package costs are
the raw signature costs of this run); then all are submitted into A's outbox as fast as one
thread can (as the API would), while A's workers deliver them; B verifies, stores and
receipts; A verifies and stores the receipt. Throughput: documents with a stored positive
receipt over the time from the first acceptance to the last receipt. Latency: from a
document's acceptance at A to its receipt stored at A. The last line is one JSON object.

    .venv/bin/python bench/delivery_bench.py --documents 1000
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

from bench_network import RECIPIENT, SENDER, bench_network
from lienthong.demo import wait_for
from lienthong.edxml import DocumentBuilder, write_package
from lienthong.node import DeliveryState, NodeRuntime, submit
from lienthong.store import NodeStore
from lienthong.trust import sign_package, verify_package

#: Fast retries: a node may try B before it has read the configuration naming B's port.
OPTIONS = ("--retry-base", "0.3", "--retry-cap", "1")


def _package(number: int, attachment: int) -> bytes:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(str(number), "UBND-VP")
    builder = builder.subject(f"V/v đo hiệu năng số {number}").promulgation(on=date(2026, 3, 2), place="Vinh")
    pdf = b"%PDF-1.4\n" + os.urandom(attachment) + b"\n%%EOF\n"
    builder = builder.recipient(RECIPIENT).attach("vb.pdf", pdf)
    return write_package(builder.build(at=datetime.now(UTC)))


def _percentile(values: list[float], share: float) -> float | None:
    return round(1000 * values[min(len(values) - 1, int(len(values) * share))], 1) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--attachment-bytes", type=int, default=1500, help="random bytes in the PDF")
    args = parser.parse_args()
    networks = bench_network(Path(tempfile.mkdtemp(prefix="lienthong-bench-")), options=OPTIONS)
    net = next(networks)
    try:
        signer = net.signer(SENDER)
        unsigned = [_package(n, args.attachment_bytes) for n in range(1, args.documents + 1)]
        clock = time.perf_counter()
        signed = [sign_package(data, signer) for data in unsigned]
        sign_seconds = (time.perf_counter() - clock) / len(signed)
        clock = time.perf_counter()
        anchors = (net.pki.root,)
        for data in signed[:50]:
            verify_package(data, anchors=anchors, at=datetime.now(UTC))
        verify_seconds = (time.perf_counter() - clock) / min(len(signed), 50)
        cpu_before = {name: node.cpu_seconds() for name, node in net.nodes.items()}
        accepted: dict[str, float] = {}
        started = time.time()
        with NodeRuntime(net.nodes["nghe-an"].home) as runtime:
            for data in signed:
                accepted[submit(runtime.node(), data, at=datetime.now(UTC)).message_id] = time.time()
        submit_seconds = time.time() - started
        database = net.database("nghe-an")

        def done() -> bool:
            with NodeStore.begin(database, write=False) as store:
                states = store.count_states()
            return states.get(DeliveryState.DELIVERED, 0) >= len(signed)

        finished = wait_for(done, timeout=900, every=0.05)
        cpu = {name: round(node.cpu_seconds() - cpu_before[name], 2) for name, node in net.nodes.items()}
        with NodeStore.begin(database, write=False) as store:
            receipts = [r for r in store.receipts(message_ids=list(accepted)) if r.accepted]
        last = max((r.at.timestamp() for r in receipts), default=time.time())
        elapsed = last - started
        latencies = sorted(r.at.timestamp() - accepted[r.message_id] for r in receipts)
        per_document = elapsed / max(len(receipts), 1)
        result = {
            "documents": len(signed),
            "delivered": len(receipts),
            "complete": bool(finished),
            "package_bytes": round(statistics.mean(len(s) for s in signed)),
            "seconds": round(elapsed, 2),
            "submit_seconds": round(submit_seconds, 2),
            "documents_per_second": round(len(receipts) / elapsed, 1),
            "p50_ms": _percentile(latencies, 0.5),
            "p99_ms": _percentile(latencies, 0.99),
            "sign_ms": round(1000 * sign_seconds, 3),
            "verify_ms": round(1000 * verify_seconds, 3),
            "end_to_end_ms_per_document": round(1000 * per_document, 3),
            "end_to_end_over_sign": round(per_document / sign_seconds, 1),
            "end_to_end_over_verify": round(per_document / verify_seconds, 1),
            "node_cpu_seconds": cpu,
            "node_cpu_ms_per_document": round(1000 * sum(cpu.values()) / max(len(receipts), 1), 2),
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
