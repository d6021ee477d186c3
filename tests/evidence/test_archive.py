"""Archives and archival bundles, checked offline: a bag names what is missing, altered or not
in its manifest; an archival bundle names an attachment that is not its package's own, a
validation file or a document description nobody listed, and accepts nothing foreign."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from lienthong.evidence import (
    ARCHIVAL_BUNDLE_FORMAT,
    DOCUMENT_FILE,
    BundleInvalid,
    attachment_path,
    bundle_name,
    tag_files,
    verify_archive,
    verify_bundle,
)
from lienthong.node import ArchiveSource, archival_bundle
from node.node_network import AT, Network, populate


def _bundle(network: Network) -> bytes:
    message_id = populate(network, 1)[0]
    node = network.sender
    source = ArchiveSource(node.name, node.database, node.blobs, node.key, tuple(node.anchors))
    return archival_bundle(source, message_id, at=AT + timedelta(days=1))


def _rewrite(bundle: bytes, change: dict[str, bytes | None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(bundle))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = change.pop(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
        for name, data in change.items():
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def test_an_archival_bundle_proves_its_attachments_and_refuses_a_substitute(network: Network) -> None:
    bundle = _bundle(network)
    anchors = network.pki.anchors
    report = verify_bundle(bundle, anchors=anchors)
    assert report.valid and report.archival and report.attachments == 1
    assert "archival=1 attachments=1" in report.summary()
    files = zipfile.ZipFile(io.BytesIO(bundle))
    assert json.loads(files.read("manifest.json"))["format"] == ARCHIVAL_BUNDLE_FORMAT
    described = json.loads(files.read(DOCUMENT_FILE))
    digest = described["attachments"][0]["sha256"]
    # Other bytes under the attachment's name: named.
    altered = verify_bundle(_rewrite(bundle, {attachment_path(digest): b"%PDF-1.4 other"}), anchors=anchors)
    assert not altered.valid and any(digest in str(p) for p in altered.problems)
    # A file the package does not carry, listed as an attachment: named.
    forged = dict(described, attachments=[*described["attachments"], {"name": "x.pdf", "sha256": "0" * 64}])
    extra: dict[str, bytes | None] = {
        DOCUMENT_FILE: json.dumps(forged).encode(),
        attachment_path("0" * 64): b"x",
    }
    assert not verify_bundle(_rewrite(bundle, extra), anchors=anchors).valid
    # A file nobody listed: named.
    stray = verify_bundle(_rewrite(bundle, {"validation/stray.pem": b"x"}), anchors=anchors)
    assert [str(p) for p in stray.problems] == ["file validation/stray.pem is not named by the log"]


def test_a_bag_names_missing_altered_and_unlisted_files(network: Network, tmp_path: Path) -> None:
    bundle = _bundle(network)
    name = bundle_name("a" * 64)
    (tmp_path / "data").mkdir()
    (tmp_path / name).write_bytes(bundle)
    payload = [(hashlib.sha256(bundle).hexdigest(), name, len(bundle))]
    for tag, data in tag_files(node="nghe-an", at=AT, payload=payload).items():
        (tmp_path / tag).write_bytes(data)
    assert verify_archive(tmp_path, anchors=network.pki.anchors).valid
    (tmp_path / "data" / "stray.zip").write_bytes(b"x")
    (tmp_path / name).write_bytes(bundle + b"x")
    report = verify_archive(tmp_path, anchors=network.pki.anchors)
    problems = [str(p) for p in report.problems]
    assert not report.valid and len(problems) == 2
    assert any("data/stray.zip" in p for p in problems) and any(name in p for p in problems)
    (tmp_path / name).unlink()
    assert any(name in str(p) for p in verify_archive(tmp_path, anchors=network.pki.anchors).problems)
    (tmp_path / "manifest-sha256.txt").unlink()
    with pytest.raises(BundleInvalid):
        verify_archive(tmp_path, anchors=network.pki.anchors)
