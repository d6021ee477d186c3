"""Archiving and purging: documents retention lets go are written to an archive (a BagIt bag of
archival evidence bundles, ``lienthong.evidence._archive``), then their payloads leave the hot
store.

The order is what makes it safe to kill at any point and run again:

1. Each due document's archival bundle is built, verified offline (``verify_bundle`` with the
   trust anchors and the revocation data it carries), written to ``data/<message id>.zip``
   beside a temporary name, fsynced, renamed and its directory fsynced; only then is it
   recorded in the ledger (``RetentionStore.record_archived``) with its digest.
2. The bag's tag files (manifests) are written last, over every bundle in ``data/``; then, when
   the network has a time-stamp service, its RFC 3161 token over the tag manifest (a token of
   an earlier run, over other manifests, is removed first).
3. Each document recorded as archived and not purged, not under legal hold, whose archive file
   is still there with the digest recorded, loses its payloads: its attachments' blobs, then its
   packages' blobs (deleting a blob already gone is no error); then the ledger says purged.

Rows stay: their package digests are hashes, not payloads, and the message log keeps every
entry, so its chain and every other document's evidence still verify.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong._i18n import msg
from lienthong.edxml import DocumentPackage, parse_package
from lienthong.evidence import (
    ARCHIVE_PAYLOAD,
    ARCHIVE_TIMESTAMP,
    CERTIFICATES_FILE,
    CRLS_FILE,
    DOCUMENT_FILE,
    LogKind,
    attachment_path,
    bundle_name,
    canonical_json,
    file_sha256,
    ocsp_path,
    package_path,
    read_receipt,
    receipt_path,
    sha256_hex,
    tag_files,
    tag_manifest_imprint,
    verify_bundle,
)
from lienthong.node._errors import NodeError
from lienthong.node._evidence import export_evidence
from lienthong.node._retention import DEFAULT_RESYNC_WINDOW, due
from lienthong.store import (
    Archived,
    BlobStorage,
    Database,
    LogEntry,
    NodeStore,
    RetentionStore,
)
from lienthong.trust import SignatureStamper, Signer, verify_package

_PACKAGES = (LogKind.PACKAGE_IN, LogKind.PACKAGE_OUT)
#: Asks an OCSP responder about a certificate (issuer given); None when it names none or cannot
#: be reached. Passed in by the caller (the archive must not depend on a live network).
OcspFetcher = Callable[[x509.Certificate, x509.Certificate], bytes | None]


@dataclass(frozen=True, slots=True)
class ArchiveSource:
    """The node an archive is made from: its name, store, seal key and trust material."""

    node: str
    database: Database
    blobs: BlobStorage
    key: Signer
    anchors: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...] = ()
    fetch_ocsp: OcspFetcher | None = None
    #: The network's time-stamp service (``network_timestamper``); None: the bag is not stamped.
    stamp: SignatureStamper | None = None


@dataclass(frozen=True, slots=True)
class ArchiveOutcome:
    """What one run did (counts of documents)."""

    #: Documents listed on the node when the run began.
    documents: int
    #: Due by retention (and resync window, and cut-off).
    due: int
    #: Archival bundles written by this run (a document archived by an earlier run is not).
    archived: int
    #: Documents whose payloads this run removed.
    purged: int
    #: Due documents kept because of a legal hold (archived, never purged).
    held: int
    #: Bytes of the bundles in the archive directory.
    archive_bytes: int
    #: The bag carries a time-stamp token over its tag manifest.
    timestamped: bool = False

    def to_json(self) -> dict[str, int | bool]:
        return {
            "documents": self.documents,
            "due": self.due,
            "archived": self.archived,
            "purged": self.purged,
            "held": self.held,
            "archive_bytes": self.archive_bytes,
            "timestamped": self.timestamped,
        }


def archive_and_purge(
    source: ArchiveSource,
    out: Path,
    *,
    before: datetime,
    now: datetime,
    resync_window: timedelta = DEFAULT_RESYNC_WINDOW,
    purge: bool = True,
) -> ArchiveOutcome:
    """Archive every document due (see ``node._retention.due``) into the bag ``out``, then
    purge those archived and not held. Resumable and idempotent."""
    with RetentionStore.begin(source.database) as retention:
        policies = retention.policies()
        held = {h.message_id for h in retention.holds()}
        ledger = {a.message_id: a for a in retention.archived()}
        documents = retention.documents()
    chosen = [
        d
        for d in documents
        if due(d, policies, now=now, before=before, resync_window=resync_window)
        and (d.message_id not in ledger or ledger[d.message_id].purged_at is None)
    ]
    _directory(out / ARCHIVE_PAYLOAD)
    archived = 0
    for chunk in _chunks([d for d in chosen if not _archived_intact(ledger.get(d.message_id))]):
        written = []
        for document in chunk:
            target = out / bundle_name(document.message_id)
            data = archival_bundle(source, document.message_id, at=now)
            _write_file(target, data)
            written.append(
                Archived(
                    document.message_id, document.document_id, document.sender, str(target.resolve()),
                    sha256_hex(data), now, None,
                )
            )  # fmt: skip
        _fsync_directory(out / ARCHIVE_PAYLOAD)  # the chunk's renames durable, then recorded
        with RetentionStore.begin(source.database) as retention:
            for entry in written:
                retention.record_archived(entry)
                ledger[entry.message_id] = entry
        archived += len(written)
    size = _write_tags(out, node=source.node, at=now)
    _stamp(out, source.stamp)
    purged = 0
    if purge:
        waiting = [
            ledger[d.message_id] for d in chosen if d.message_id not in held and d.message_id in ledger
        ]
        for entries in _chunks([e for e in waiting if e.purged_at is None]):
            purged += _purge(source, entries, now=now)
    held_due = sum(d.message_id in held for d in chosen)
    return ArchiveOutcome(
        len(documents), len(chosen), archived, purged, held_due, size, timestamped=source.stamp is not None
    )


def purged(database: Database, message_id: str) -> Archived | None:
    """The ledger's entry for ``message_id`` when its payloads were purged (archived first), so a
    reader can say where the document went instead of failing on a missing blob; else None."""
    with RetentionStore.begin(database) as retention:
        found = retention.archived(message_ids=(message_id,))
    return found[0] if found and found[0].purged_at is not None else None


_CHUNK = 100
_Item = TypeVar("_Item")


def _chunks(items: Sequence[_Item]) -> list[Sequence[_Item]]:
    """Documents are written, recorded and purged a chunk at a time: one transaction and one
    directory fsync for each hundred, not for each document."""
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


def _archived_intact(entry: Archived | None) -> bool:
    """An earlier run wrote and verified this document's bundle, and it is still as written."""
    return entry is not None and _intact(Path(entry.archive), entry.archive_sha256)


def archival_bundle(source: ArchiveSource, message_id: str, *, at: datetime) -> bytes:
    """One document's archival bundle, verified offline before it is returned."""
    with NodeStore.begin(source.database, write=False) as store:
        found = store.document_of(message_id)
        if found is None:
            raise NodeError(msg("node-log-nothing-about", document=message_id))
        sender, document_id = found
        timeline = store.timeline(document_id, sender=sender)

    def extras(entries: Sequence[LogEntry], files: Mapping[str, bytes]) -> Mapping[str, bytes]:
        added: dict[str, bytes] = {}
        document = _document_package(entries, files, message_id)
        attachments = []
        if document is not None:
            for attachment in document.attachments:
                content = attachment.content.read_bytes()
                added[attachment_path(attachment.content.sha256)] = content
                attachments.append(
                    {
                        "name": attachment.name or "",
                        "content_type": attachment.content_type or "",
                        "sha256": attachment.content.sha256,
                        "size": len(content),
                    }
                )
        described = {
            "message_id": message_id,
            "sender": sender,
            "document_id": document_id,
            "document_type": _type_name(document),
            "attachments": attachments,
            "timeline": [
                {
                    "reporter": s.reporter,
                    "addressee": s.addressee,
                    "status": s.status_code,
                    "at": s.timestamp.astimezone(UTC).isoformat(),
                    "recorded_at": s.recorded_at.astimezone(UTC).isoformat(),
                    "description": s.description or "",
                    "package_sha256": s.package_sha256,
                }
                for s in timeline
            ],
        }
        added[DOCUMENT_FILE] = canonical_json(described)
        certificates = _certificates(source, entries, files)
        added[CERTIFICATES_FILE] = b"".join(c.public_bytes(Encoding.PEM) for c in certificates.values())
        if source.crls:
            added[CRLS_FILE] = b"".join(c.public_bytes(Encoding.PEM) for c in source.crls)
        for answer in _ocsp_answers(source, certificates):
            added[ocsp_path(sha256_hex(answer))] = answer
        return added

    data = export_evidence(
        node=source.node, database=source.database, blobs=source.blobs, key=source.key,
        document_id=message_id, at=at, extras=extras,
    )  # fmt: skip
    report = verify_bundle(data, anchors=source.anchors)
    if not report.valid:
        problems = "; ".join(str(p) for p in report.problems)
        raise NodeError(msg("node-archive-bundle-invalid", document=message_id, problems=problems))
    return data


def _document_package(
    entries: Sequence[LogEntry], files: Mapping[str, bytes], message_id: str
) -> DocumentPackage | None:
    for entry in entries:
        if entry.record.kind in _PACKAGES and entry.record.message_id == message_id:
            parsed = parse_package(files[package_path(entry.record.sha256)])
            if isinstance(parsed, DocumentPackage):
                return parsed
    return None


def _type_name(document: DocumentPackage | None) -> str:
    kind = document.header.document_type if document is not None else None
    return (kind.type_name or "") if kind is not None else ""


def _certificates(
    source: ArchiveSource, entries: Sequence[LogEntry], files: Mapping[str, bytes]
) -> dict[bytes, x509.Certificate]:
    """Every certificate of every signature's path the bundle holds (packages, receipts, the
    head's seal), by fingerprint: what a verifier years later needs besides the anchors."""
    found: dict[bytes, x509.Certificate] = {}

    def add(certificates: Sequence[x509.Certificate]) -> None:
        for certificate in certificates:
            found.setdefault(certificate.fingerprint(hashes.SHA256()), certificate)

    add((source.key.certificate, *source.key.chain))
    for entry in entries:
        record = entry.record
        if record.kind in _PACKAGES:
            report = verify_package(files[package_path(record.sha256)], anchors=source.anchors, at=record.at)
            add((*((report.signer,) if report.signer is not None else ()), *report.chain))
        elif record.kind in (LogKind.RECEIPT_IN, LogKind.RECEIPT_OUT):
            statement = read_receipt(files[receipt_path(record.sha256)]).statement
            add((statement.signer, *statement.chain))
    add(source.anchors)
    return found


def _ocsp_answers(source: ArchiveSource, certificates: Mapping[bytes, x509.Certificate]) -> list[bytes]:
    if source.fetch_ocsp is None:
        return []
    by_subject = {c.subject: c for c in certificates.values()}
    answers = []
    for certificate in certificates.values():
        issuer = by_subject.get(certificate.issuer)
        if issuer is None or issuer == certificate:
            continue
        answer = source.fetch_ocsp(certificate, issuer)
        if answer is not None:
            answers.append(answer)
    return answers


def _purge(source: ArchiveSource, entries: Sequence[Archived], *, now: datetime) -> int:
    """Remove the payloads of the documents whose archive is found intact and that are not
    (or no longer) under legal hold; how many."""
    with RetentionStore.begin(source.database) as retention:
        held = {h.message_id for h in retention.holds()}
    done = []
    digests: list[str] = []
    for entry in entries:
        archive = Path(entry.archive)
        if entry.message_id in held or not _intact(archive, entry.archive_sha256):
            continue
        with zipfile.ZipFile(archive) as bundle:
            described = json.loads(bundle.read(DOCUMENT_FILE))
            names = bundle.namelist()
        # Attachments first: a run killed between the two still finds them from the archive.
        digests += [str(a["sha256"]) for a in described.get("attachments", ())]
        digests += [
            n.removeprefix("packages/").removesuffix(".edxml") for n in names if n.startswith("packages/")
        ]
        done.append(entry.message_id)
    source.blobs.delete_many(digests)
    with RetentionStore.begin(source.database) as retention:
        for message_id in done:
            retention.record_purged(message_id, at=now)
    return len(done)


def _intact(path: Path, sha256: str) -> bool:
    try:
        return file_sha256(path) == sha256
    except OSError:
        return False


def _directory(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)


def _write_file(target: Path, data: bytes) -> None:
    """Write ``target`` so that it is either absent or whole after a crash (the rename durable
    once its directory is fsynced: ``_write_durably``, or the caller for a chunk)."""
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with temporary.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise NodeError(msg("node-archive-unwritable", path=target, reason=exc.strerror)) from exc


def _write_durably(target: Path, data: bytes) -> None:
    _write_file(target, data)
    _fsync_directory(target.parent)


def _fsync_directory(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_tags(out: Path, *, node: str, at: datetime) -> int:
    """The bag's manifests over every finished bundle in ``data/``; their total size."""
    payload = [
        (file_sha256(path), path.relative_to(out).as_posix(), path.stat().st_size)
        for path in sorted((out / ARCHIVE_PAYLOAD).glob("*.zip"))
    ]
    for name, data in tag_files(node=node, at=at, payload=payload).items():
        _write_durably(out / name, data)
    return sum(size for _, _, size in payload)


def _stamp(out: Path, stamp: SignatureStamper | None) -> None:
    """Time-stamp the tag manifest just written (it covers every file of the bag), or leave the
    bag without a token: one from an earlier run would not match the manifests."""
    token_path = out / ARCHIVE_TIMESTAMP
    with contextlib.suppress(FileNotFoundError):
        token_path.unlink()
    if stamp is not None:
        _write_durably(token_path, stamp(tag_manifest_imprint(out)))
