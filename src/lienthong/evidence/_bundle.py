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

from lienthong._i18n import tr
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
    #: Every fact that does not hold, one sentence each; empty when the bundle proves its story.
    problems: tuple[str, ...] = field(default=())

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
        raise BundleInvalid(
            tr(f"không đọc được gói chứng cứ: {exc}", f"unreadable evidence bundle: {exc}")
        ) from exc
    problems: list[str] = []
    head = _head(head_bytes, anchors, problems)
    records = _chain(lines, head, problems)
    used = {"manifest.json", "log.jsonl", "head.stmt"}
    for record in records:
        if record.document_id != document_id:
            problems.append(
                tr(
                    f"mục nhật ký {record.seq} thuộc văn bản khác",
                    f"log entry {record.seq} is about another document",
                )
            )
        if record.kind in _PACKAGES:
            used.add(package_path(record.sha256))
            _package(files, record, anchors, problems)
        elif record.kind in _RECEIPTS:
            used.add(receipt_path(record.sha256))
            _receipt(files, record, anchors, problems)
    for name in sorted(set(files) - used):
        problems.append(tr(f"tệp {name} không được nhật ký nhắc tới", f"file {name} is not named by the log"))
    if not records:
        problems.append(
            tr("gói không có mục nhật ký nào về văn bản", "the bundle has no log entry about the document")
        )
    return BundleReport(document_id, node, tuple(records), tuple(problems))


def _head(data: bytes, anchors: Sequence[x509.Certificate], problems: list[str]) -> dict[str, Any] | None:
    try:
        statement = read_statement(data)
        payload = dict(statement.payload)
        if payload.get("type") != "log-head":
            raise ValueError("not a log head")
        at = datetime.fromisoformat(str(payload["at"]))
    except (EvidenceError, ValueError, KeyError) as exc:
        problems.append(
            tr(f"đầu nhật ký ký số không hợp lệ: {exc}", f"the signed log head is invalid: {exc}")
        )
        return None
    problem = statement.chain_problem(anchors, at=at)
    if problem is not None:
        problems.append(tr(f"đầu nhật ký: {problem}", f"log head: {problem}"))
    return payload


def _chain(lines: list[Any], head: dict[str, Any] | None, problems: list[str]) -> list[LogRecord]:
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
            problems.append(tr(f"mục nhật ký hỏng: {exc}", f"unreadable log entry: {exc}"))
            return records
        if previous is not None:
            if seq != previous[0] + 1:
                problems.append(
                    tr(
                        f"thiếu mục nhật ký {previous[0] + 1}–{seq - 1}: chuỗi băm bị đứt",
                        f"log entries {previous[0] + 1}–{seq - 1} are missing: the hash chain is broken",
                    )
                )
            elif prev != previous[1]:
                problems.append(
                    tr(
                        f"mục nhật ký {seq} không nối với mục {previous[0]}: chuỗi băm bị đứt",
                        f"log entry {seq} does not link to entry {previous[0]}: the hash chain is broken",
                    )
                )
        previous = (seq, entry_hash)
    if (
        head is not None
        and previous is not None
        and (previous[0], previous[1]) != (head.get("seq"), head.get("hash"))
    ):
        problems.append(
            tr(
                f"chuỗi kết thúc ở mục {previous[0]}, không khớp đầu nhật ký đã ký (mục {head.get('seq')})",
                f"the chain ends at entry {previous[0]}, not at the signed head (entry {head.get('seq')})",
            )
        )
    return records


def _file(files: dict[str, bytes], name: str, record: LogRecord, problems: list[str]) -> bytes | None:
    data = files.get(name)
    if data is None:
        problems.append(
            tr(f"thiếu {name} (mục nhật ký {record.seq})", f"{name} is missing (log entry {record.seq})")
        )
        return None
    if sha256_hex(data) != record.sha256:
        problems.append(
            tr(
                f"{name} đã bị thay đổi: SHA-256 không khớp mục nhật ký {record.seq}",
                f"{name} was altered: its SHA-256 does not match log entry {record.seq}",
            )
        )
        return None
    return data


def _package(
    files: dict[str, bytes], record: LogRecord, anchors: Sequence[x509.Certificate], problems: list[str]
) -> None:
    data = _file(files, package_path(record.sha256), record, problems)
    if data is None:
        return
    report = verify_package(data, anchors=anchors, at=record.at)
    if not report.valid:
        problems.append(
            tr(
                f"gói tin của mục {record.seq}: {report.problem}",
                f"package of entry {record.seq}: {report.problem}",
            )
        )


def _receipt(
    files: dict[str, bytes], record: LogRecord, anchors: Sequence[x509.Certificate], problems: list[str]
) -> None:
    data = _file(files, receipt_path(record.sha256), record, problems)
    if data is None:
        return
    try:
        signed = read_receipt(data)
    except EvidenceError as exc:
        problems.append(tr(f"biên nhận của mục {record.seq}: {exc}", f"receipt of entry {record.seq}: {exc}"))
        return
    problem = signed.statement.chain_problem(anchors, at=signed.receipt.at)
    if problem is not None:
        problems.append(
            tr(f"biên nhận của mục {record.seq}: {problem}", f"receipt of entry {record.seq}: {problem}")
        )
