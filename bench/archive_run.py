"""Archive and purge a node holding many documents (issue #19): the archive verifies offline,
the node's disk use falls, a document under legal hold stays, the other documents' evidence
still verifies.

In one process, SQLite: node nghe-an sends ``--documents`` documents (each with a small PDF)
to vpcp over the in-memory transport, 100 at a time, and the first ten get a status back; one
document is put under legal hold; a retention policy keeps every document 10 days; the archive
runs 45 days later (past the 30-day resync window). Prints the figures, then one JSON line:

    {"documents", "archived", "purged", "held", "archive_mb", "disk_before_mb",
     "disk_after_mb", "disk_after_ratio", "populate_seconds", "seconds", "verify_seconds",
     "archive_docs_per_s"}

    python bench/archive_run.py --documents 10000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from lienthong.directory import generate_directory_key, verify_configuration  # noqa: E402
from lienthong.edxml import DocumentBuilder, StatusCode, write_package  # noqa: E402
from lienthong.evidence import verify_archive, verify_bundle  # noqa: E402
from lienthong.node import (  # noqa: E402
    ArchiveSource,
    InMemoryTransport,
    Node,
    archive_and_purge,
    deliver_due,
    export_evidence,
    set_hold,
    submit,
    submit_many,
)
from lienthong.store import (  # noqa: E402
    ANY_KEY,
    BlobStore,
    NodeStore,
    RetentionPolicy,
    RetentionStore,
    migrate,
    open_database,
)
from node.node_network import (  # noqa: E402
    AT,
    OTHER_SENDER,
    RECIPIENT,
    SENDER,
    _configuration,
    status,
)
from support.pki import NETWORK, generate  # noqa: E402

BATCH = 100


def _mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / (1 << 20)


def _disk(base: Path) -> float:
    """The sending node's disk use, MiB: its blob store and its database files."""
    return _mb(base / "nghe-an-blobs") + sum(p.stat().st_size for p in base.glob("nghe-an.db*")) / (1 << 20)


def _document(number: int, kilobytes: int) -> bytes:
    """An unsigned document to RECIPIENT with one PDF of ``kilobytes`` (incompressible)."""
    body = random.Random(number).randbytes(kilobytes * 1024)
    builder = (
        DocumentBuilder()
        .sender(SENDER, name="UBND tỉnh Nghệ An")
        .code(f"B{number}", "UBND-VP")
        .subject(f"V/v văn bản số {number}")
        .promulgation(on=date(2026, 3, 2), place="Vinh")
        .recipient(RECIPIENT)
    )
    return write_package(builder.attach("vb.pdf", b"%PDF-1.4\n" + body + b"\n%%EOF\n").build(at=AT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--attachment-kb", type=int, default=32, help="each document's PDF, KiB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lienthong-archive-") as folder:
        base = Path(folder)
        pki = generate(base / "pki", NETWORK)
        key = generate_directory_key("bench directory", not_before=AT - timedelta(days=30))
        config = verify_configuration(_configuration(pki, key), key.anchor(directory="test"), at=AT)
        databases = [open_database(f"sqlite:///{base / name}.db") for name in ("nghe-an", "vpcp")]
        for database in databases:
            migrate(database)
        sender = Node(
            "nghe-an", databases[0], BlobStore(base / "nghe-an-blobs"), config, pki.node_keys["nghe-an"],
            signers={code: pki.signers[code] for code in (SENDER, OTHER_SENDER)},
        )  # fmt: skip
        receiver = Node(
            "vpcp", databases[1], BlobStore(base / "vpcp-blobs"), config, pki.node_keys["vpcp"],
            signers={RECIPIENT: pki.signers[RECIPIENT]},
        )  # fmt: skip
        transport = InMemoryTransport({"nghe-an": sender, "vpcp": receiver})
        rand = random.Random(7)
        started = time.perf_counter()
        ids: list[str] = []
        for start in range(0, args.documents, BATCH):
            numbers = range(start, min(args.documents, start + BATCH))
            packages = [_document(n, args.attachment_kb) for n in numbers]
            for submitted in submit_many(sender, packages, at=AT):
                assert not isinstance(submitted, Exception), submitted
                ids.append(submitted.message_id)
            while deliver_due(sender, transport, now=AT, rand=rand, per_request=BATCH):
                pass  # each call sends what one claim takes; the batch is all delivered after
            if start == 0:
                with NodeStore.begin(sender.database, write=False) as store:
                    answered = [store.document_of(m) for m in ids[:10]]
                for found in answered:
                    assert found is not None
                    submit(receiver, status(found[1], StatusCode.REGISTERED, at=AT), at=AT)
                deliver_due(receiver, transport, now=AT, rand=rand, per_request=BATCH)
        populate_seconds = time.perf_counter() - started
        held = ids[len(ids) // 2]
        set_hold(sender.database, held, reason="bench", actor="bench", at=AT)
        with RetentionStore.begin(sender.database) as retention:
            retention.set_policy(RetentionPolicy(ANY_KEY, ANY_KEY, 10), at=AT)
        now = AT + timedelta(days=45)
        disk_before = _disk(base)
        source = ArchiveSource(
            sender.name, sender.database, sender.blobs, sender.key, tuple(sender.anchors), crls=pki.crls
        )
        out = base / "archive"
        started = time.perf_counter()
        outcome = archive_and_purge(source, out, before=now, now=now)
        seconds = time.perf_counter() - started
        disk_after = _disk(base)
        started = time.perf_counter()
        report = verify_archive(out, anchors=pki.anchors)
        verify_seconds = time.perf_counter() - started
        held_bundle = export_evidence(
            node=sender.name, database=sender.database, blobs=sender.blobs, key=sender.key,
            document_id=held, at=now,
        )  # fmt: skip
        held_valid = verify_bundle(held_bundle, anchors=pki.anchors).valid
        for database in databases:
            database.close()
    print(f"documents {len(ids)}, populated in {populate_seconds:.1f} s")
    print(f"archived {outcome.archived}, purged {outcome.purged}, held {outcome.held} in {seconds:.1f} s")
    print(f"archive verifies offline: {report.valid} ({len(report.bundles)} bundles, {verify_seconds:.1f} s)")
    print(f"held document's evidence verifies after the purge: {held_valid}")
    print(f"disk {disk_before:.1f} MiB -> {disk_after:.1f} MiB (x{disk_after / disk_before:.3f})")
    if not (report.valid and held_valid):
        raise SystemExit("archive or evidence did not verify")
    print(
        json.dumps(
            {
                "documents": len(ids),
                "archived": outcome.archived,
                "purged": outcome.purged,
                "held": outcome.held,
                "archive_mb": round(outcome.archive_bytes / (1 << 20), 2),
                "disk_before_mb": round(disk_before, 2),
                "disk_after_mb": round(disk_after, 2),
                "disk_after_ratio": round(disk_after / disk_before, 4),
                "populate_seconds": round(populate_seconds, 1),
                "seconds": round(seconds, 1),
                "verify_seconds": round(verify_seconds, 1),
                "archive_docs_per_s": round(outcome.archived / seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
