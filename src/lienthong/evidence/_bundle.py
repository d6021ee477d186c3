"""Evidence bundles: everything one node holds about one document, checkable offline.

A bundle is a zip::

    manifest.json            {"format": "lienthong-evidence/1", "document_id", "node", "exported_at"}
    log.jsonl                the log from the document's first entry to the head, one entry a line:
                               {"seq", "prev", "content"}  an entry about the document (content:
                                                           the record's canonical JSON, as hashed)
                               {"seq", "prev", "digest"}   any other entry, redacted to its digest
    head.stmt                a signed statement by the node: {"type": "log-head", "v": 1, "node",
                             "seq", "hash", "document_id", "at"}
    packages/<sha256>.edxml  each package the document's entries name, as sent or received
    receipts/<sha256>.receipt each receipt they name, as signed

``verify_bundle`` checks, with the trust anchors only: the head's signature and certificate;
that the entries run without a gap from the first to the head and every hash links; that each
package and receipt an entry names is present, hashes to the digest logged, and verifies
(package XML-DSig, receipt signature, both chaining to the anchors); that nothing else is in
the bundle. It returns a report naming each fact that does not hold.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from cryptography import x509

from lienthong._i18n import Message, msg
from lienthong.errors import message_of
from lienthong.evidence._canonical import sha256_hex
from lienthong.evidence._chain import LogKind, LogRecord, link_hash
from lienthong.evidence._errors import BundleInvalid, EvidenceError
from lienthong.evidence._receipt import read_receipt
from lienthong.evidence._statement import read_statement
from lienthong.trust import verify_package

FORMAT: Final = "lienthong-evidence/1"
_PACKAGES = (LogKind.PACKAGE_IN, LogKind.PACKAGE_OUT)
_RECEIPTS = (LogKind.RECEIPT_IN, LogKind.RECEIPT_OUT)


def package_path(sha256: str) -> str:
    return f"packages/{sha256}.edxml"


def receipt_path(sha256: str) -> str:
    return f"receipts/{sha256}.receipt"


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What checking a bundle established."""

    document_id: str
    node: str
    #: Entries about the document, as verified.
    records: tuple[LogRecord, ...] = ()
    #: Every fact that does not hold, one message each; empty when the bundle proves its story.
    problems: tuple[Message, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.records)

    def summary(self) -> str:
        verdict = "VALID" if self.valid else "INVALID"
        document = json.dumps(self.document_id, ensure_ascii=False)
        return (
            f"{verdict} document={document} node={self.node} "
            f"entries={len(self.records)} problems={len(self.problems)}"
        )


def verify_bundle(data: bytes, *, anchors: Sequence[x509.Certificate]) -> BundleReport:
    """Check a bundle offline; raises ``BundleInvalid`` only when it cannot be read at all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        files = {name: archive.read(name) for name in archive.namelist()}
        manifest = json.loads(files["manifest.json"])
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format {manifest.get('format')!r}")
        document_id, node = str(manifest["document_id"]), str(manifest["node"])
        lines = [json.loads(line) for line in files["log.jsonl"].splitlines() if line.strip()]
        head_bytes = files["head.stmt"]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise BundleInvalid(msg("evidence-bundle-unreadable", reason=str(exc))) from exc
    problems: list[Message] = []
    head = _head(head_bytes, anchors, problems)
    records = _chain(lines, head, problems)
    used = {"manifest.json", "log.jsonl", "head.stmt"}
    for record in records:
        if record.document_id != document_id:
            problems.append(msg("evidence-bundle-entry-other-document", seq=record.seq))
        if record.kind in _PACKAGES:
            used.add(package_path(record.sha256))
            _package(files, record, anchors, problems)
        elif record.kind in _RECEIPTS:
            used.add(receipt_path(record.sha256))
            _receipt(files, record, anchors, problems)
    for name in sorted(set(files) - used):
        problems.append(msg("evidence-bundle-file-unlisted", name=name))
    if not records:
        problems.append(msg("evidence-bundle-no-entry"))
    return BundleReport(document_id, node, tuple(records), tuple(problems))


def _head(data: bytes, anchors: Sequence[x509.Certificate], problems: list[Message]) -> dict[str, Any] | None:
    try:
        statement = read_statement(data)
        payload = dict(statement.payload)
        if payload.get("type") != "log-head":
            raise ValueError("not a log head")
        at = datetime.fromisoformat(str(payload["at"]))
    except (EvidenceError, ValueError, KeyError) as exc:
        problems.append(msg("evidence-bundle-head-invalid", reason=message_of(exc)))
        return None
    problem = statement.chain_problem(anchors, at=at)
    if problem is not None:
        problems.append(msg("evidence-bundle-head-untrusted", problem=problem))
    return payload


def _chain(lines: list[Any], head: dict[str, Any] | None, problems: list[Message]) -> list[LogRecord]:
    records: list[LogRecord] = []
    previous: tuple[int, str] | None = None
    for line in lines:
        try:
            seq, prev = int(line["seq"]), str(line["prev"])
            if "content" in line:
                content = str(line["content"]).encode("utf-8")
                digest = sha256_hex(content)
                record = LogRecord.from_dict(json.loads(content))
                if record.seq != seq:
                    raise ValueError(f"content says seq {record.seq}")
                records.append(record)
            else:
                digest = str(line["digest"])
            entry_hash = link_hash(prev, digest)
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(msg("evidence-bundle-entry-unreadable", reason=str(exc)))
            return records
        if previous is not None:
            if seq != previous[0] + 1:
                problems.append(msg("evidence-bundle-entries-missing", first=previous[0] + 1, last=seq - 1))
            elif prev != previous[1]:
                problems.append(msg("evidence-bundle-entry-unlinked", seq=seq, previous=previous[0]))
        previous = (seq, entry_hash)
    if (
        head is not None
        and previous is not None
        and (previous[0], previous[1]) != (head.get("seq"), head.get("hash"))
    ):
        problems.append(msg("evidence-bundle-chain-not-at-head", last=previous[0], head=str(head.get("seq"))))
    return records


def _file(files: dict[str, bytes], name: str, record: LogRecord, problems: list[Message]) -> bytes | None:
    data = files.get(name)
    if data is None:
        problems.append(msg("evidence-bundle-file-missing", name=name, seq=record.seq))
        return None
    if sha256_hex(data) != record.sha256:
        problems.append(msg("evidence-bundle-file-altered", name=name, seq=record.seq))
        return None
    return data


def _package(
    files: dict[str, bytes], record: LogRecord, anchors: Sequence[x509.Certificate], problems: list[Message]
) -> None:
    data = _file(files, package_path(record.sha256), record, problems)
    if data is None:
        return
    report = verify_package(data, anchors=anchors, at=record.at)
    if not report.valid:
        problems.append(msg("evidence-bundle-package-invalid", seq=record.seq, problem=report.problem or ""))


def _receipt(
    files: dict[str, bytes], record: LogRecord, anchors: Sequence[x509.Certificate], problems: list[Message]
) -> None:
    data = _file(files, receipt_path(record.sha256), record, problems)
    if data is None:
        return
    try:
        signed = read_receipt(data)
    except EvidenceError as exc:
        problems.append(msg("evidence-bundle-receipt-invalid", seq=record.seq, problem=message_of(exc)))
        return
    problem = signed.statement.chain_problem(anchors, at=signed.receipt.at)
    if problem is not None:
        problems.append(msg("evidence-bundle-receipt-invalid", seq=record.seq, problem=problem))
