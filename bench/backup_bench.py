"""Backup and restore of a node holding N documents, and delivery while a backup runs.

Real ``lienthong node serve`` processes over mutual TLS (``tests/node/e2e_network.py``, SQLite).
vpcp's database is filled with N received documents (inbox rows, their message log entries and
one blob each, a signed package's size; written straight into its store, which the protocol
would take far longer to do), while it serves. Then:

1. idle: ``--flood`` documents from nghe-an to vpcp; documents delivered per second;
2. ``lienthong node backup --include-keys`` of vpcp while a second flood of the same size runs:
   documents delivered per second during the backup, and the backup's time and size;
3. ``lienthong node restore`` of that file into a new home: its time.

Times of the CLI include the interpreter's start (seconds on a busy machine). The flood is
submitted into nghe-an's database as its API would; a rate is documents over the seconds from
the first submission to the last delivery. The last line is one JSON object.

    .venv/bin/python bench/backup_bench.py --documents 100000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from lienthong.demo import wait_for  # noqa: E402
from lienthong.evidence import LogKind  # noqa: E402
from lienthong.node import DeliveryState, NodeHome, NodeRuntime, submit  # noqa: E402
from lienthong.store import Disposition, InboxEntry, NodeStore, PackageKind  # noqa: E402
from lienthong.trust import sign_package  # noqa: E402
from node.backup_scenario import lienthong  # noqa: E402
from node.e2e_network import E2ENetwork, e2e_network  # noqa: E402
from node.fault_scenario import FAULT_OPTIONS, SENDER_NODE  # noqa: E402
from node.node_network import RECIPIENT, SENDER, document  # noqa: E402

RECEIVER = "vpcp"
BATCH = 2000


def fill(net: E2ENetwork, documents: int) -> None:
    """``documents`` received documents in vpcp's store, each with its own blob and log entry."""
    signed = sign_package(document("100000"), net.signer(SENDER))
    home = net.homes[RECEIVER]
    database = net.database(RECEIVER)
    blobs = home.blobs(database)
    at = datetime.now(UTC)
    for start in range(0, documents, BATCH):
        entries = []
        with blobs.batch() as batch:
            for n in range(start, min(documents, start + BATCH)):
                # Each blob its own bytes (a comment appended), a signed package's size.
                data = signed + f"<!-- {n} -->".encode()
                digest = batch.put([data]).sha256
                message_id = hashlib.sha256(f"bench {n}".encode()).hexdigest()
                entries.append(
                    InboxEntry(
                        message_id,
                        f"bench-{n}",
                        PackageKind.DOCUMENT,
                        digest,
                        SENDER,
                        RECIPIENT,
                        at,
                        Disposition.ACTIVE,
                    )
                )
        with NodeStore.begin(database) as store:
            store.inbox_put_many(entries)
            for entry in entries:
                store.log(
                    LogKind.PACKAGE_IN,
                    at=at,
                    message_id=entry.message_id,
                    document_id=entry.document_id,
                    party=SENDER,
                    sha256=entry.package_sha256,
                )


def flood(net: E2ENetwork, count: int, first: int) -> float:
    """Submit ``count`` documents at nghe-an for vpcp; documents per second until all delivered."""
    started = time.monotonic()
    with NodeRuntime(net.homes[SENDER_NODE]) as runtime:
        ids = {
            submit(runtime.node(), document(f"{first + n}"), at=datetime.now(UTC)).message_id
            for n in range(count)
        }
    sender = net.database(SENDER_NODE)

    def delivered() -> bool:
        with NodeStore.begin(sender, write=False) as store:
            rows = [e for e in store.outbox() if e.message_id in ids]
        return len(rows) == count and all(e.state is DeliveryState.DELIVERED for e in rows)

    assert wait_for(delivered, timeout=1800, every=0.2), "the flood was not delivered"
    return count / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000, help="documents held by the node backed up")
    parser.add_argument("--flood", type=int, default=200, help="documents of each flood")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="lienthong-backup-bench-"))
    networks = e2e_network("sqlite", base, options=FAULT_OPTIONS)
    net = next(networks)
    try:
        started = time.monotonic()
        fill(net, args.documents)
        print(f"filled {args.documents} documents in {time.monotonic() - started:.1f} s", file=sys.stderr)
        while not net.runs_published(SENDER_NODE):
            time.sleep(0.2)
        idle = flood(net, args.flood, 200_000)
        output = base / "vpcp.backup"
        timing: dict[str, float] = {}

        def backup() -> None:
            began = time.monotonic()
            done = lienthong("node", "backup", "--home", str(net.homes[RECEIVER].home), "-o", str(output),
                             "--include-keys")  # fmt: skip
            timing["backup_s"] = time.monotonic() - began
            assert done.returncode == 0, done.stderr

        running = threading.Thread(target=backup)
        began = time.monotonic()
        running.start()
        during = flood(net, args.flood, 300_000)
        flood_s = time.monotonic() - began
        running.join()
        began = time.monotonic()
        done = lienthong("node", "restore", str(output), "--home", str(base / "restored"))
        restore_s = time.monotonic() - began
        assert done.returncode == 0, done.stderr
        restored = NodeHome.load(base / "restored")
        with restored.open_database() as database, NodeStore.begin(database, write=False) as store:
            held = store.log_head()[0]
    finally:
        for _ in networks:
            pass
    size_mb = output.stat().st_size / 1e6
    print(
        f"backup of {args.documents} documents: {timing['backup_s']:.1f} s, {size_mb:.1f} MB", file=sys.stderr
    )
    print(f"restore: {restore_s:.1f} s (log head {held})", file=sys.stderr)
    print(
        f"delivery: {idle:.1f} docs/s idle, {during:.1f} docs/s during the backup "
        f"(the flood took {flood_s:.1f} s, the backup {timing['backup_s']:.1f} s)",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "documents": args.documents,
                "flood_documents": args.flood,
                "backup_s": round(timing["backup_s"], 2),
                "backup_mb": round(size_mb, 2),
                "restore_s": round(restore_s, 2),
                "docs_per_s_idle": round(idle, 1),
                "docs_per_s_during_backup": round(during, 1),
                "ratio_during_backup": round(during / idle, 3),
                "flood_during_backup_s": round(flood_s, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
