"""Delivery end to end: N signed packages from node A (nghe-an) to node B (vpcp), two cases.

    5kb     a 5 KB package (a small random PDF attachment)
    pdf     one real signed PDF of ``--pdf-kb`` KB (PAdES, pyHanko, signed once and attached
            to every package)

Real ``lienthong node serve`` processes over mutual TLS on loopback, SQLite (``bench_network``,
no test helpers), a fresh pair per case. Each package is signed first (timed) and verified
(timed): sign + verify per document is the raw signature cost of this run. Then all are
submitted into A's outbox (``--submitters`` threads; ``--via``: ``submit`` one by one here, an
``intake`` here grouping them, or A's own REST ``api``, which groups them in A's process), while
A's workers deliver them; B verifies, stores and receipts; A verifies and stores the receipt.
Throughput: documents with a stored positive receipt over the time from the first acceptance to
the last receipt stored. Latency: from a document's acceptance at A to its receipt stored at A.
CPU per document is counted for both node processes and for the submitting (bench) process. The
last line is one JSON object, one entry per case.

The sending node's CPU a document (``sending_cpu_ms``) is all the CPU A's code spends: A's process,
plus, for ``submit`` and ``intake``, the bench's own process while it submits (that is A's code
checking, signing and writing in this process; ``api`` sends from a client, whose CPU is the
agency software's, reported apart as ``submit_cpu_ms``). ``--compare`` runs each case via ``api``
and then via ``intake`` (a fresh pair each) in the same run, and gives ``ratio_api_to_intake``
(and ``node_process_ratio_api_to_intake``: A's process alone, which leaves the intake's
submission work out of the intake's account).

``--balanced``: the sending node as a busy node runs behind a load balancer. Node vpcp of
``tests/node/cluster_scenario.py`` (PostgreSQL on ``LIENTHONG_TEST_POSTGRES``, blobs in it) as
one ``node serve`` process (the second stopped: HAProxy marks it down), then as two, a fresh
cluster each, in the same run, behind HAProxy running ``deploy/haproxy/lienthong-node.cfg``;
``--submitters`` API clients send signed packages to nghe-an through the balancer. Reported for
each: ``docs_per_s`` (receipts, as above), the sending node's CPU a document summed over its
processes (``sending_cpu_ms``; the receiver's, HAProxy's and the clients' apart), what each
process spends idle (``idle_cpu_ms_per_s``), and ``ratio_two_to_one`` (documents a second with
two processes over one; ``cpu_ratio_two_to_one`` likewise for the sending node's CPU a document).

What bounds the ratio: a second process adds a process, not a core. On two cores the clients
(this process), the receiving node, HAProxy, PostgreSQL and both processes of the sending node
share the same cores (and, on a shared machine, other people's work too), so a second process
only takes what the others leave idle. Every write transaction of a node (each group of
accepted packages, each claim's outcome, each receipt stored) begins by locking the head of the
node's one message log, so writes are serialised across its processes: a second process runs
TLS, parsing and signature checks beside the first, not the writes. And the API groups the
packages that arrive together into one transaction per process: clients spread over two
processes make groups half as large, more transactions (and more CPU) a document. Two
processes are for availability first; they add throughput where each has cores of its own.

    .venv/bin/python bench/delivery_bench.py --documents 1000
    .venv/bin/python bench/delivery_bench.py --case 5kb --documents 41200
    .venv/bin/python bench/delivery_bench.py --documents 1000 --case 5kb --submitters 4 --via api
    .venv/bin/python bench/delivery_bench.py --case 5kb --documents 500 --compare
    .venv/bin/python bench/delivery_bench.py --case 5kb --documents 500 --submitters 4 --balanced
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.x509 import Certificate

from bench_network import RECIPIENT, SENDER, BenchNetwork, bench_network, cpu_seconds
from lienthong.api import add_client
from lienthong.client import Client
from lienthong.demo import sample_pdf, wait_for
from lienthong.edxml import DocumentBuilder, write_package
from lienthong.node import DeliveryState, Intake, NodeRuntime, submit
from lienthong.store import Database, NodeStore
from lienthong.trust import KeySigner, sign_package, sign_pdf, verify_package

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from node.cluster_scenario import CLUSTER_NODE, PEER_NODE, cluster_network  # noqa: E402

#: Fast retries: a node may try B before it has read the configuration naming B's port.
OPTIONS = ("--retry-base", "0.3", "--retry-cap", "1")
#: Packages verified to time the raw verification (all of them for small runs).
VERIFIED = 300
#: Seconds the balanced run watches the processes idle before submitting.
IDLE_SECONDS = 5.0


def _package(number: int, attachment: bytes, *, sender: str = SENDER, recipient: str = RECIPIENT) -> bytes:
    builder = DocumentBuilder().sender(sender, name="UBND tỉnh Nghệ An").code(str(number), "UBND-VP")
    builder = builder.subject(f"V/v đo hiệu năng số {number}").promulgation(on=date(2026, 3, 2), place="Vinh")
    builder = builder.recipient(recipient).attach("vb.pdf", attachment)
    return write_package(builder.build(at=datetime.now(UTC)))


def _small_attachment(size: int) -> Callable[[int], bytes]:
    return lambda _: b"%PDF-1.4\n" + os.urandom(size) + b"\n%%EOF\n"


def _signed_pdf(signer: KeySigner, kilobytes: int) -> bytes:
    """One real PDF of about ``kilobytes`` KB (its page text random), PAdES-signed by the sender."""
    text = "".join(random.choices(string.ascii_letters + string.digits, k=kilobytes * 1024))
    return sign_pdf(sample_pdf(text), signer)


def _attachments(name: str, signer: KeySigner, args: argparse.Namespace) -> Callable[[int], bytes]:
    """Document number → its attachment: one signed PDF for all (``pdf``), or small random ones."""
    if name == "pdf":
        pdf = _signed_pdf(signer, args.pdf_kb)
        return lambda _: pdf
    return _small_attachment(args.attachment_bytes)


def _signed(
    packages: list[bytes], signer: KeySigner, anchors: tuple[Certificate, ...]
) -> tuple[list[bytes], float, float]:
    """The packages signed; seconds a package to sign, and to verify (the first ``VERIFIED``)."""
    clock = time.perf_counter()
    signed = [sign_package(data, signer) for data in packages]
    sign_seconds = (time.perf_counter() - clock) / len(signed)
    clock = time.perf_counter()
    for data in signed[:VERIFIED]:
        verify_package(data, anchors=anchors, at=datetime.now(UTC))
    return signed, sign_seconds, (time.perf_counter() - clock) / min(len(signed), VERIFIED)


def _percentile(values: list[float], share: float) -> float | None:
    return round(1000 * values[min(len(values) - 1, int(len(values) * share))], 1) if values else None


def _sender(via: str, net: BenchNetwork, stack: contextlib.ExitStack) -> Callable[[bytes], str]:
    """How a package reaches A's outbox (answering its message id): ``submit`` or ``intake`` in
    this process on A's database (A's runtime opened now, before the timing starts, as A's own
    process opened it before serving), or ``api``: A's REST API (a client a thread, connected on
    its first request), which groups concurrent requests in A's process."""
    if via == "api":
        token = add_client(net.database("nghe-an"), "bench", codes=[SENDER], at=datetime.now(UTC)).token
        assert token is not None
        return _by_api(net.nodes["nghe-an"].api_url, token, str(net.pki.root_path), stack)
    runtime = stack.enter_context(NodeRuntime(net.nodes["nghe-an"].home))
    if via == "intake":
        intake = Intake()
        return lambda data: intake.submit(runtime.node(), data, at=datetime.now(UTC)).message_id
    return lambda data: submit(runtime.node(), data, at=datetime.now(UTC)).message_id


def _by_api(url: str, token: str, verify: str, stack: contextlib.ExitStack) -> Callable[[bytes], str]:
    """Submit through the REST API at ``url``: a client a thread, connected on its first request."""
    local = threading.local()

    def by_api(data: bytes) -> str:
        if not hasattr(local, "client"):
            local.client = stack.enter_context(Client(url, token=token, verify=verify, timeout=120.0))
        return str(local.client.send_package(data).message_id)

    return by_api


@dataclass(frozen=True, slots=True)
class Flood:
    """Packages submitted by ``submitters`` threads: message id → when it was accepted (epoch)."""

    accepted: dict[str, float]
    started: float
    #: CPU of this process (all its threads) and wall time while submitting.
    submit_cpu: float
    submit_seconds: float


def _flood(send: Callable[[bytes], str], signed: list[bytes], submitters: int) -> Flood:
    accepted: dict[str, float] = {}
    started = time.time()
    submit_cpu = time.process_time()
    # Each submitter takes the next package when it is free, as a client would: no queue of tens
    # of thousands of futures made up front in the process being measured.
    packages = iter(signed)
    taking = threading.Lock()

    def submitter() -> None:
        while True:
            with taking:
                data = next(packages, None)
            if data is None:
                return
            accepted[send(data)] = time.time()

    with ThreadPoolExecutor(submitters) as pool:
        for future in [pool.submit(submitter) for _ in range(submitters)]:
            future.result()
    return Flood(accepted, started, time.process_time() - submit_cpu, time.time() - started)


def _delivered(database: Database, count: int) -> bool:
    """Whether ``count`` documents of the sender's outbox are delivered (the run's only ones)."""
    with NodeStore.begin(database, write=False) as store:
        states = store.count_states()
    return states.get(DeliveryState.DELIVERED, 0) >= count


def _receipted(database: Database, flood: Flood) -> tuple[int, float, list[float]]:
    """(positive receipts stored, seconds from the first acceptance to the last receipt, the
    latencies from acceptance to receipt sorted) of ``flood``'s documents."""
    with NodeStore.begin(database, write=False) as store:
        receipts = [r for r in store.receipts(message_ids=list(flood.accepted)) if r.accepted]
    last = max((r.at.timestamp() for r in receipts), default=time.time())
    latencies = sorted(r.at.timestamp() - flood.accepted[r.message_id] for r in receipts)
    return len(receipts), last - flood.started, latencies


def run_case(name: str, via: str, args: argparse.Namespace, options: tuple[str, ...]) -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix=f"lienthong-bench-{name}-"))
    networks = bench_network(base, options=options, api=via == "api")
    net = next(networks)
    try:
        attachment = _attachments(name, net.signer(SENDER), args)
        unsigned = [_package(n, attachment(n)) for n in range(1, args.documents + 1)]
        signed, sign_seconds, verify_seconds = _signed(unsigned, net.signer(SENDER), (net.pki.root,))
        with contextlib.ExitStack() as stack:
            send = _sender(via, net, stack)
            cpu_before = {name: node.cpu_seconds() for name, node in net.nodes.items()}
            flood = _flood(send, signed, args.submitters)
        database = net.database("nghe-an")
        # Throughput is timed by receipts, not by this wait.
        finished = wait_for(lambda: _delivered(database, len(signed)), timeout=1800, every=0.5)
        cpu = {name: round(node.cpu_seconds() - cpu_before[name], 2) for name, node in net.nodes.items()}
        rss = {name: round(node.rss_mb(), 1) for name, node in net.nodes.items()}
        receipts, elapsed, latencies = _receipted(database, flood)
        submit_cpu = flood.submit_cpu
        per_document = elapsed / max(receipts, 1)
        raw = sign_seconds + verify_seconds
        delivered = max(receipts, 1)
        # A's code runs in this process too when submitting here (not a client's work).
        sending_cpu = cpu["nghe-an"] + (0 if via == "api" else submit_cpu)
        return {
            "via": via,
            "documents": len(signed),
            "delivered": receipts,
            "complete": bool(finished),
            "package_bytes": round(sum(len(s) for s in signed) / len(signed)),
            "seconds": round(elapsed, 2),
            "submit_seconds": round(flood.submit_seconds, 2),
            "docs_per_s": round(receipts / elapsed, 1),
            "p50_ms": _percentile(latencies, 0.5),
            "p99_ms": _percentile(latencies, 0.99),
            "sign_ms": round(1000 * sign_seconds, 3),
            "verify_ms": round(1000 * verify_seconds, 3),
            "raw_ms": round(1000 * raw, 3),
            "end_to_end_ms": round(1000 * per_document, 3),
            "ratio_to_raw": round(per_document / raw, 2),
            "node_cpu_ms": {name: round(1000 * seconds / delivered, 2) for name, seconds in cpu.items()},
            "submit_cpu_ms": round(1000 * submit_cpu / delivered, 2),
            "sending_cpu_ms": round(1000 * sending_cpu / delivered, 2),
            "cpu_ms": round(1000 * (sum(cpu.values()) + submit_cpu) / delivered, 2),
            "cpu_ratio_to_raw": round((sum(cpu.values()) + submit_cpu) / delivered / raw, 2),
            "rss_mb": rss,
        }
    finally:
        for _ in networks:
            pass


def run_balanced(name: str, processes: int, args: argparse.Namespace) -> dict[str, Any]:
    """The sending node (vpcp of ``cluster_network``: PostgreSQL, blobs in it) as ``processes``
    ``node serve`` processes behind HAProxy (one: the second stopped, HAProxy marks it down), and
    ``--submitters`` API clients submitting through the balancer to nghe-an. CPU is counted for
    each of vpcp's processes, the receiver, HAProxy and this process (the clients)."""
    clusters = cluster_network(Path(tempfile.mkdtemp(prefix=f"lienthong-bench-{name}-balanced-")))
    cluster = next(clusters)
    try:
        net, balancer = cluster.net, cluster.balancer
        for stopped in cluster.processes[processes:]:
            stopped.stop()
        down = {f"node{n}": "DOWN" for n in range(processes + 1, len(cluster.processes) + 1)}
        assert balancer.wait_states(down, timeout=120), balancer.states()
        signer = net.signer(RECIPIENT)
        attachment = _attachments(name, signer, args)
        unsigned = [
            _package(n, attachment(n), sender=RECIPIENT, recipient=SENDER)
            for n in range(1, args.documents + 1)
        ]
        signed, _, _ = _signed(unsigned, signer, (net.pki.root,))
        pids = {f"vpcp-{n}": _pid(p.process) for n, p in enumerate(cluster.processes[:processes], start=1)}
        pids |= {"receiver": _pid(net.nodes[PEER_NODE].process), "haproxy": _pid(balancer.popen)}
        idle = _idle_cpu(pids)
        with contextlib.ExitStack() as stack:
            send = _by_api(cluster.api_url, cluster.token, str(net.pki.root_path), stack)
            before = {label: cpu_seconds(pid) for label, pid in pids.items()}
            flood = _flood(send, signed, args.submitters)
        database = net.database(CLUSTER_NODE)
        finished = wait_for(lambda: _delivered(database, len(signed)), timeout=1800, every=0.5)
        cpu = {label: cpu_seconds(pid) - before[label] for label, pid in pids.items()}
        receipts, elapsed, latencies = _receipted(database, flood)
        delivered = max(receipts, 1)
        sending = sum(seconds for label, seconds in cpu.items() if label.startswith("vpcp-"))
        return {
            "processes": processes,
            "documents": len(signed),
            "delivered": receipts,
            "complete": bool(finished),
            "seconds": round(elapsed, 2),
            "submit_seconds": round(flood.submit_seconds, 2),
            "docs_per_s": round(receipts / elapsed, 1),
            "p50_ms": _percentile(latencies, 0.5),
            "p99_ms": _percentile(latencies, 0.99),
            "sending_cpu_ms": round(1000 * sending / delivered, 2),
            "cpu_ms": {label: round(1000 * seconds / delivered, 2) for label, seconds in cpu.items()},
            "submit_cpu_ms": round(1000 * flood.submit_cpu / delivered, 2),
            "idle_cpu_ms_per_s": idle,
        }
    finally:
        for _ in clusters:
            pass


def _idle_cpu(pids: dict[str, int]) -> dict[str, float]:
    """CPU ms a second each process spends with nothing submitted (its polling and leases: what
    a process costs whether or not it has work), over ``IDLE_SECONDS``."""
    before = {label: cpu_seconds(pid) for label, pid in pids.items()}
    time.sleep(IDLE_SECONDS)
    return {
        label: round(1000 * (cpu_seconds(pid) - before[label]) / IDLE_SECONDS, 1)
        for label, pid in pids.items()
    }


def _pid(process: subprocess.Popen[bytes] | None) -> int:
    assert process is not None, "a process of the run is not running"
    return process.pid


def _balanced(label: str, name: str, args: argparse.Namespace) -> dict[str, Any]:
    """One process, then two (a fresh cluster each), measured in this run, and their ratios."""
    one, two = (run_balanced(name, processes, args) for processes in (1, 2))
    for result in (one, two):
        print(
            f"{label} via api, {result['processes']} process(es) behind HAProxy on PostgreSQL: "
            f"{result['delivered']}/{result['documents']} delivered in {result['seconds']} s, "
            f"{result['docs_per_s']} docs/s, p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms; the "
            f"sending node's CPU {result['sending_cpu_ms']} ms a document ({result['cpu_ms']})",
            file=sys.stderr,
        )
    ratio = round(two["docs_per_s"] / one["docs_per_s"], 2)
    print(f"{label}: two processes against one: {ratio}x the documents a second", file=sys.stderr)
    return {
        "one_process": one,
        "two_processes": two,
        "ratio_two_to_one": ratio,
        "cpu_ratio_two_to_one": round(two["sending_cpu_ms"] / one["sending_cpu_ms"], 2),
        "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--case", choices=("both", "5kb", "pdf"), default="both")
    parser.add_argument("--attachment-bytes", type=int, default=1500, help="random bytes in the 5kb PDF")
    parser.add_argument("--pdf-kb", type=int, default=100, help="size of the signed PDF of the pdf case")
    parser.add_argument("--submitters", type=int, default=1, help="threads submitting into A's outbox")
    parser.add_argument(
        "--via",
        choices=("submit", "intake", "api"),
        default="submit",
        help="submit one by one in this process, grouped by an Intake here, or through A's REST API",
    )
    parser.add_argument(
        "--node-option", action="append", default=[], help="extra option of `node serve` (repeatable)"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run each case via api, then via intake, and give the ratio of the sending node's CPU",
    )
    parser.add_argument(
        "--balanced",
        action="store_true",
        help="the sending node on PostgreSQL as one, then two processes behind HAProxy, fed through its API",
    )
    args = parser.parse_args()
    options = OPTIONS + tuple(args.node_option)
    cases = ("5kb", "pdf") if args.case == "both" else (args.case,)
    if args.balanced:
        balanced = {}
        for case in cases:
            key = f"pdf_{args.pdf_kb}kb" if case == "pdf" else case
            label = f"{case} ({args.pdf_kb} KB signed PDF)" if case == "pdf" else case
            balanced[f"{key}_balanced"] = _balanced(label, case, args)
        print(json.dumps(balanced))
        return
    vias = ("api", "intake") if args.compare else (args.via,)
    results: dict[str, Any] = {}
    for case in cases:
        key = f"pdf_{args.pdf_kb}kb" if case == "pdf" else case
        label = f"{case} ({args.pdf_kb} KB signed PDF)" if case == "pdf" else case
        for via in vias:
            result = run_case(case, via, args, options)
            print(
                f"{label} via {via}: {result['delivered']}/{result['documents']} delivered in "
                f"{result['seconds']} s, {result['docs_per_s']} docs/s, p50 {result['p50_ms']} ms, "
                f"p99 {result['p99_ms']} ms, {result['end_to_end_ms']} ms a document = "
                f"{result['ratio_to_raw']}x sign+verify ({result['raw_ms']} ms); CPU {result['cpu_ms']} ms "
                f"a document, the sending node's {result['sending_cpu_ms']} ms",
                file=sys.stderr,
            )
            results[key if via == vias[0] else f"{key}_{via}"] = result
        if args.compare:
            results[key].update(_compared(results[key], results[f"{key}_intake"]))
            print(
                f"{label}: the sending node's CPU a document via api {results[key]['sending_cpu_ms']} ms,"
                f" via intake {results[key]['intake_sending_cpu_ms']} ms:"
                f" ratio {results[key]['ratio_api_to_intake']}"
                f" (A's process alone: {results[key]['node_process_ratio_api_to_intake']});"
                f" {results[key]['docs_per_s']} against {results[key]['intake_docs_per_s']} docs/s",
                file=sys.stderr,
            )
    print(json.dumps(results))


def _compared(api: dict[str, Any], intake: dict[str, Any]) -> dict[str, Any]:
    """The api run against the intake run of the same case, measured in this run."""
    return {
        "intake_sending_cpu_ms": intake["sending_cpu_ms"],
        "intake_docs_per_s": intake["docs_per_s"],
        "ratio_api_to_intake": round(api["sending_cpu_ms"] / intake["sending_cpu_ms"], 2),
        "node_process_ratio_api_to_intake": round(
            api["node_cpu_ms"]["nghe-an"] / intake["node_cpu_ms"]["nghe-an"], 2
        ),
    }


if __name__ == "__main__":
    main()
