"""Exporting an evidence bundle for one document (format: ``lienthong.evidence._bundle``)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from lienthong._i18n import msg
from lienthong.evidence import (
    ARCHIVAL_BUNDLE_FORMAT,
    BUNDLE_FORMAT,
    LogKind,
    canonical_json,
    package_path,
    receipt_path,
    sign_statement,
)
from lienthong.node._errors import NodeError
from lienthong.node._ids import document_message_id
from lienthong.store import BlobStorage, Database, LogEntry, NodeStore
from lienthong.trust import Signer

_FIXED = (1980, 1, 1, 0, 0, 0)
_MESSAGE_ID = re.compile(r"[0-9a-fA-F]{64}")
#: An agency code as item ids end with it (lenient: legacy codes are served too).
_CODE = re.compile(r"[0-9A-Za-z.]{1,32}")

#: What an archival bundle adds (``node._archive``): given the document's entries and the files
#: gathered for them (packages, receipts), the further files, by name.
Extras = Callable[[Sequence[LogEntry], Mapping[str, bytes]], Mapping[str, bytes]]


def export_evidence(
    *,
    node: str,
    database: Database,
    blobs: BlobStorage,
    key: Signer,
    document_id: str,
    at: datetime,
    extras: Extras | None = None,
) -> bytes:
    """The zip bundle of everything this node logged about a document, its head signed.
    ``document_id``: an id this node shows for it (see ``resolve_document``), which names its
    sender too; or a DocumentId alone, which takes in every sender's document of that id.
    With ``extras``, an archival bundle (``ARCHIVAL_BUNDLE_FORMAT``) holding what they add, its
    signed head the log's entry that is the document's last."""
    with NodeStore.begin(database, write=False) as store:
        sender, document_id = resolve_document(store, document_id)
        seqs = store.log_sequence(document_id)
        if not seqs:
            raise NodeError(msg("node-log-nothing-about", document=document_id))
        head_seq, head_hash = store.log_head()
        if extras is not None:
            # An archival bundle proves the log up to the document's own last entry: its size
            # is the document's span in the log, not the whole log since (archiving thousands
            # of old documents must not cost the square of the log).
            head_seq = seqs[-1]
        entries = store.log_entries(first=seqs[0], last=head_seq)
        if extras is not None:
            head_hash = entries[-1].entry_hash
        ours = [e for e in entries if e.record.document_id == document_id]
        if sender is not None:
            ours = entries_of_sender(store, ours, sender, document_id)
        receipts = {r.sha256: r.raw for r in store.receipts(message_ids={e.record.message_id for e in ours})}
    files: dict[str, bytes] = {}
    for entry in ours:
        record = entry.record
        if record.kind in (LogKind.PACKAGE_IN, LogKind.PACKAGE_OUT):
            files[package_path(record.sha256)] = b"".join(blobs.read_verified(record.sha256))
        elif record.kind in (LogKind.RECEIPT_IN, LogKind.RECEIPT_OUT):
            files[receipt_path(record.sha256)] = receipts[record.sha256]
    if extras is not None:
        files.update(extras(ours, files))
    head = {
        "type": "log-head", "v": 1, "node": node, "seq": head_seq, "hash": head_hash,
        "document_id": document_id, "at": at.astimezone(UTC).isoformat(),
    }  # fmt: skip
    manifest = {
        "format": BUNDLE_FORMAT if extras is None else ARCHIVAL_BUNDLE_FORMAT,
        "document_id": document_id, "node": node,
        "exported_at": at.astimezone(UTC).isoformat(),
    }  # fmt: skip
    shown = {e.record.seq for e in ours}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "manifest.json", canonical_json(manifest))
        _add(archive, "log.jsonl", b"".join(_line(e, shown) + b"\n" for e in entries))
        _add(archive, "head.stmt", sign_statement(head, key))
        for name in sorted(files):
            _add(archive, name, files[name])
    return buffer.getvalue()


def entries_of_sender(
    store: NodeStore, entries: list[LogEntry], sender: str, document_id: str
) -> list[LogEntry]:
    """The entries of ``sender``'s document among ``entries`` (all of its DocumentId): its own
    message, and the statuses on it (known by their packages' digests), with their receipts."""
    statuses = {s.package_sha256 for s in store.timeline(document_id, sender=sender)}
    messages = {document_message_id(sender, document_id)}
    messages |= {e.record.message_id for e in entries if e.record.sha256 in statuses}
    return [e for e in entries if e.record.message_id in messages]


def resolve_document(store: NodeStore, name: str) -> tuple[str | None, str]:
    """(sender, DocumentId) of the document ``name`` designates: a message id (64 hex: the
    API's ``message_id``, the console's ``/outbox/<id>``, VXP's ``DocId``) or an item id
    (``<message id>-<code>``: the API's inbox ids, the console's ``/inbox/<id>``, VXP's
    received ``docId``), a status's naming the document it answers; or the DocumentId itself,
    whose sender is then not known (None)."""
    text = name.strip()
    message_id, _, code = text.partition("-")
    if _MESSAGE_ID.fullmatch(message_id) and (not code or _CODE.fullmatch(code)):
        found = store.document_of(message_id.lower())
        if found is not None:
            return found
    return None, text


def _line(entry: LogEntry, shown: set[int]) -> bytes:
    line: dict[str, object] = {"seq": entry.record.seq, "prev": entry.prev_hash}
    if entry.record.seq in shown:
        line["content"] = entry.record.content().decode("utf-8")
    else:
        line["digest"] = entry.record.digest()
    return json.dumps(line, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED), data, compress_type=zipfile.ZIP_DEFLATED)
