"""Archive then purge (issue #19, point 3): documents retention lets go are written to a bag of
archival evidence bundles that verifies offline with the trust anchors and the revocation data
it carries (no PKI service running: the test network's certificates name none, and the test
starts none); then their payloads leave the blob store, the disk use falls, every remaining
document's evidence still verifies, a document under legal hold keeps its payloads, and a run
killed half-way finishes when run again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import pytest

from lienthong.evidence import verify_archive, verify_bundle
from lienthong.node import (
    ArchiveSource,
    archive_and_purge,
    export_evidence,
    set_hold,
)
from lienthong.store import ANY_KEY, BlobStore, NodeAudit, RetentionPolicy, RetentionStore
from node.node_network import AT, Network, populate

#: When the archive runs: past the 30-day resync window and a 10-day retention.
NOW = AT + timedelta(days=45)
DOCUMENTS = 300


def _disk(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _source(network: Network) -> ArchiveSource:
    node = network.sender
    return ArchiveSource(
        node.name, node.database, node.blobs, node.key, tuple(node.anchors), crls=network.pki.crls
    )


def _policy(network: Network, days: int | None) -> None:
    with RetentionStore.begin(network.sender.database) as retention:
        retention.set_policy(RetentionPolicy(ANY_KEY, ANY_KEY, days), at=AT)


def _evidence(network: Network, message_id: str) -> bytes:
    node = network.sender
    return export_evidence(
        node=node.name, database=node.database, blobs=node.blobs, key=node.key,
        document_id=message_id, at=NOW,
    )  # fmt: skip


def test_archive_verifies_offline_then_purge_frees_disk_and_keeps_evidence(
    network: Network, tmp_path: Path
) -> None:
    ids = populate(network, DOCUMENTS)
    kept_by_hold = ids[5]
    set_hold(network.sender.database, kept_by_hold, reason="thanh tra", actor="cli:test", at=AT)
    _policy(network, 10)
    assert isinstance(network.sender.blobs, BlobStore)
    blobs_root = network.sender.blobs.root
    before = _disk(blobs_root)
    out = tmp_path / "archive"
    outcome = archive_and_purge(_source(network), out, before=NOW, now=NOW)
    assert (outcome.documents, outcome.due, outcome.archived) == (DOCUMENTS, DOCUMENTS, DOCUMENTS)
    assert (outcome.purged, outcome.held) == (DOCUMENTS - 1, 1)
    assert not outcome.timestamped  # no time-stamp service given: the bag says so
    # The bag verifies offline: anchors only, revocation from what it carries.
    report = verify_archive(out, anchors=network.pki.anchors)
    assert report.valid, report.summary()
    assert report.timestamp is None and report.summary().endswith("timestamp=none")
    assert len(report.bundles) == DOCUMENTS
    assert all(b.archival and b.attachments == 1 for b in report.bundles)
    # The payloads left the hot store: only the held document's package remains of the sender's.
    after = _disk(blobs_root)
    assert after < before / 10
    # The held document keeps its payloads, and its evidence (and the log's chain) still verifies.
    assert verify_bundle(_evidence(network, kept_by_hold), anchors=network.pki.anchors).valid
    # Running again changes nothing: nothing more to archive or purge.
    again = archive_and_purge(_source(network), out, before=NOW, now=NOW)
    assert (again.archived, again.purged, again.held) == (0, 0, 1)
    with NodeAudit.begin(network.sender.database) as audit:
        assert [e.action for e in audit.entries(target=kept_by_hold)] == ["legal-hold-set"]


def test_nothing_is_purged_without_a_policy_or_inside_the_resync_window(
    network: Network, tmp_path: Path
) -> None:
    populate(network, 5)
    out = tmp_path / "archive"
    assert archive_and_purge(_source(network), out, before=NOW, now=NOW).due == 0  # kept forever
    _policy(network, 1)
    inside = archive_and_purge(_source(network), out, before=NOW, now=AT + timedelta(days=20))
    assert inside.due == 0  # retention says yes, the resync window (30 days) not yet
    _policy(network, None)
    assert archive_and_purge(_source(network), out, before=NOW, now=NOW).due == 0


def test_a_purge_killed_half_way_finishes_when_run_again(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = populate(network, 6)
    _policy(network, 10)
    out = tmp_path / "archive"
    blobs = type(network.sender.blobs)
    original = blobs.delete_many

    def killed_after_three(self: BlobStore, digests: Iterable[str]) -> int:
        original(self, list(digests)[:3])
        raise KeyboardInterrupt  # the process killed mid-purge, its ledger not yet written

    monkeypatch.setattr(blobs, "delete_many", killed_after_three)
    with pytest.raises(KeyboardInterrupt):
        archive_and_purge(_source(network), out, before=NOW, now=NOW)
    monkeypatch.undo()
    with RetentionStore.begin(network.sender.database) as retention:
        assert retention.purged_ids() == set()  # archived, not yet recorded as purged
    outcome = archive_and_purge(_source(network), out, before=NOW, now=NOW)
    assert outcome.archived == 0  # every bundle was written and verified by the first run
    with RetentionStore.begin(network.sender.database) as retention:
        assert retention.purged_ids() == set(ids)
    assert verify_archive(out, anchors=network.pki.anchors).valid
