"""Evidence bundles: exported by a node, verified offline with the anchors only, tampering named."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from lienthong._i18n import Message
from lienthong.edxml import StatusCode
from lienthong.evidence import BundleInvalid, LogKind, verify_bundle
from lienthong.node import DeliveryState, NodeError, deliver_due, export_evidence, submit
from lienthong.store import BlobStore, NodeStore, PackageKind
from node.node_network import AT, RECIPIENT, Network, document, status

LIENTHONG = Path(sys.executable).with_name("lienthong")


def _story(network: Network) -> str:
    """A document delivered, then a status back: the sender's log holds four entries about it."""
    document_id = submit(network.sender, document("1"), at=AT).document_id
    rand = random.Random(1)
    assert [o.state for o in deliver_due(network.sender, network.transport, now=AT, rand=rand)] == [
        DeliveryState.DELIVERED
    ]
    submit(network.receiver, status(document_id, StatusCode.REGISTERED, at=AT + timedelta(minutes=5)), at=AT)
    # An unrelated document interleaves in the sender's log: it must be redacted, not dropped.
    submit(network.sender, document("2"), at=AT)
    deliveries = deliver_due(network.receiver, network.transport, now=AT, rand=rand)
    assert [o.state for o in deliveries] == [DeliveryState.DELIVERED]
    return document_id


def _export(network: Network, document_id: str) -> bytes:
    node = network.sender
    return export_evidence(
        node=node.name, database=node.database, blobs=node.blobs, key=node.key,
        document_id=document_id, at=AT + timedelta(hours=1),
    )  # fmt: skip


def _rewrite(bundle: bytes, change: dict[str, bytes | None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(bundle))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = change.get(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def test_bundle_verifies_offline(network: Network) -> None:
    document_id = _story(network)
    report = verify_bundle(_export(network, document_id), anchors=[network.pki.pki.root])
    assert report.problems == () and report.valid
    assert [r.kind for r in report.records] == [
        LogKind.PACKAGE_OUT,
        LogKind.RECEIPT_IN,
        LogKind.PACKAGE_IN,
        LogKind.RECEIPT_OUT,
    ]
    assert report.document_id == document_id and report.node == "nghe-an"


def test_a_changed_byte_in_a_package_is_named(network: Network) -> None:
    bundle = _export(network, _story(network))
    name = next(n for n in zipfile.ZipFile(io.BytesIO(bundle)).namelist() if n.startswith("packages/"))
    data = bytearray(zipfile.ZipFile(io.BytesIO(bundle)).read(name))
    data[len(data) // 2] ^= 0x01
    report = verify_bundle(_rewrite(bundle, {name: bytes(data)}), anchors=[network.pki.pki.root])
    assert not report.valid
    altered = [p for p in report.problems if p.code == "evidence-bundle-file-altered"]
    assert [p.params["name"] for p in altered] == [name], report.problems
    assert "was altered" in altered[0].render("en") and "đã bị thay đổi" in altered[0].render("vi")


def test_a_removed_log_entry_is_named(network: Network) -> None:
    bundle = _export(network, _story(network))
    lines = zipfile.ZipFile(io.BytesIO(bundle)).read("log.jsonl").splitlines()
    removed = json.loads(lines[2])["seq"]
    log = b"\n".join(lines[:2] + lines[3:]) + b"\n"
    report = verify_bundle(_rewrite(bundle, {"log.jsonl": log}), anchors=[network.pki.pki.root])
    assert not report.valid
    missing = [p for p in report.problems if p.code == "evidence-bundle-entries-missing"]
    assert [(p.params["first"], p.params["last"]) for p in missing] == [(removed, removed)], report.problems
    assert f"entries {removed}–{removed}" in missing[0].render("en") and "broken" in missing[0].render("en")


def test_other_anchors_and_garbage_are_refused(network: Network, tmp_path: Path) -> None:
    bundle = _export(network, _story(network))
    foreign_root = network.pki.foreign_signer.chain[0]  # the foreign PKI's issuing CA: not our root
    report = verify_bundle(bundle, anchors=[foreign_root])
    assert not report.valid
    untrusted = [p for p in report.problems if p.code == "evidence-bundle-head-untrusted"]
    assert untrusted, report.problems
    why = untrusted[0].params["problem"]
    assert isinstance(why, Message) and why.code == "evidence-signer-untrusted"
    assert "not trusted" in untrusted[0].render("en") and "không tin cậy" in untrusted[0].render("vi")
    with pytest.raises(BundleInvalid):
        verify_bundle(b"not a zip", anchors=[network.pki.pki.root])


def test_cli_exports_and_verifies(network: Network, tmp_path: Path) -> None:
    document_id = _story(network)
    blobs = network.sender.blobs
    assert isinstance(blobs, BlobStore)  # a file-store home: its settings are written beside it
    home = blobs.root.parent
    issued = network.pki.pki.issued("nghe-an")
    settings = {
        "name": "nghe-an",
        "database": network.sender.database.engine.url.render_as_string(hide_password=False),
        "key": str(issued.key_path),
        "certificate": str(issued.cert_path),
        "chain": [str(network.pki.pki.issuing_path)],
    }
    (home / "node.json").write_text(json.dumps(settings))
    bundle = tmp_path / "bundle.zip"
    run = [str(LIENTHONG), "--lang", "en"]
    done = subprocess.run(
        [*run, "node", "evidence", document_id, "--home", str(home), "-o", str(bundle)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    root = str(network.pki.pki.root_path)
    done = subprocess.run(
        [*run, "evidence", "verify", str(bundle), "--trust", root],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("VALID")
    with NodeStore.begin(network.sender.database, write=False) as store:
        (sent,) = store.outbox(document_id=document_id)
    by_id = tmp_path / "by-id.zip"  # the node's own id for the document: the same bundle
    done = subprocess.run(
        [*run, "node", "evidence", sent.message_id, "--home", str(home), "-o", str(by_id)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = verify_bundle(by_id.read_bytes(), anchors=[network.pki.pki.root])
    assert report.valid and report.document_id == document_id
    bundle.write_bytes(_rewrite(bundle.read_bytes(), {"head.stmt": None}))
    done = subprocess.run(
        [*run, "evidence", "verify", str(bundle), "--trust", root],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: unreadable evidence bundle")


def test_the_node_own_ids_name_the_document_too(network: Network, tmp_path: Path) -> None:
    """The message id (API ``message_id``, console ``/outbox/<id>``, VXP ``DocId``) and the item id
    (``<message id>-<code>``: API inbox ids, console ``/inbox/<id>``) export the same document."""
    document_id = _story(network)
    with NodeStore.begin(network.sender.database, write=False) as store:
        (sent,) = store.outbox(document_id=document_id)
    with NodeStore.begin(network.receiver.database, write=False) as store:
        (received,) = store.inbox(document_id=document_id, kind=PackageKind.DOCUMENT)
    for name in (sent.message_id, sent.message_id.upper(), f"{sent.message_id}-{RECIPIENT}"):
        report = verify_bundle(_export(network, name), anchors=[network.pki.pki.root])
        assert report.valid and report.document_id == document_id, (name, report.problems)
    node = network.receiver
    bundle = export_evidence(
        node=node.name, database=node.database, blobs=node.blobs, key=node.key,
        document_id=f"{received.message_id}-{received.recipient}", at=AT + timedelta(hours=1),
    )  # fmt: skip
    report = verify_bundle(bundle, anchors=[network.pki.pki.root])
    assert report.valid and report.document_id == document_id and report.node == "vpcp"
    with pytest.raises(NodeError):
        _export(network, "f" * 64)  # a message id the node never saw: nothing to export
