"""Exporting an evidence bundle for one document (format: ``lienthong.evidence._bundle``)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime

from lienthong._i18n import tr
from lienthong.evidence import (
    BUNDLE_FORMAT,
    LogKind,
    canonical_json,
    package_path,
    receipt_path,
    sign_statement,
)
from lienthong.node._errors import NodeError
from lienthong.store import BlobStore, Database, LogEntry, NodeStore
from lienthong.trust import Signer

_FIXED = (1980, 1, 1, 0, 0, 0)
_MESSAGE_ID = re.compile(r"[0-9a-fA-F]{64}")
#: An agency code as item ids end with it (lenient: legacy codes are served too).
_CODE = re.compile(r"[0-9A-Za-z.]{1,32}")


def export_evidence(
    *, node: str, database: Database, blobs: BlobStore, key: Signer, document_id: str, at: datetime
) -> bytes:
    """The zip bundle of everything this node logged about ``document_id`` (a DocumentId, or
    an id this node shows for it: see ``resolve_document_id``), its head signed."""
    with NodeStore.begin(database, write=False) as store:
        document_id = resolve_document_id(store, document_id)
        seqs = store.log_sequence(document_id)
        if not seqs:
            raise NodeError(
                tr(
                    f"nhật ký không có gì về văn bản {document_id}",
                    f"the log holds nothing about document {document_id}",
                )
            )
        head_seq, head_hash = store.log_head()
        entries = store.log_entries(first=seqs[0], last=head_seq)
        ours = [e for e in entries if e.record.document_id == document_id]
        receipts = {r.sha256: r.raw for r in store.receipts(message_ids={e.record.message_id for e in ours})}
    files: dict[str, bytes] = {}
    for entry in ours:
        record = entry.record
        if record.kind in (LogKind.PACKAGE_IN, LogKind.PACKAGE_OUT):
            files[package_path(record.sha256)] = b"".join(blobs.read_verified(record.sha256))
        elif record.kind in (LogKind.RECEIPT_IN, LogKind.RECEIPT_OUT):
            files[receipt_path(record.sha256)] = receipts[record.sha256]
    head = {
        "type": "log-head", "v": 1, "node": node, "seq": head_seq, "hash": head_hash,
        "document_id": document_id, "at": at.astimezone(UTC).isoformat(),
    }  # fmt: skip
    manifest = {
        "format": BUNDLE_FORMAT, "document_id": document_id, "node": node,
        "exported_at": at.astimezone(UTC).isoformat(),
    }  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "manifest.json", canonical_json(manifest))
        _add(archive, "log.jsonl", b"".join(_line(e, document_id) + b"\n" for e in entries))
        _add(archive, "head.stmt", sign_statement(head, key))
        for name in sorted(files):
            _add(archive, name, files[name])
    return buffer.getvalue()


def resolve_document_id(store: NodeStore, name: str) -> str:
    """The DocumentId that ``name`` designates: a message id (64 hex: the API's ``message_id``,
    the console's ``/outbox/<id>``, VXP's ``DocId``), an item id (``<message id>-<code>``: the
    API's inbox ids, the console's ``/inbox/<id>``, VXP's received ``docId``) or the DocumentId
    itself. A status's ids name the document it answers."""
    text = name.strip()
    message_id, _, code = text.partition("-")
    if _MESSAGE_ID.fullmatch(message_id) and (not code or _CODE.fullmatch(code)):
        found = store.document_of(message_id.lower())
        if found is not None:
            return found
    return text


def _line(entry: LogEntry, document_id: str) -> bytes:
    line: dict[str, object] = {"seq": entry.record.seq, "prev": entry.prev_hash}
    if entry.record.document_id == document_id:
        line["content"] = entry.record.content().decode("utf-8")
    else:
        line["digest"] = entry.record.digest()
    return json.dumps(line, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED), data, compress_type=zipfile.ZIP_DEFLATED)
