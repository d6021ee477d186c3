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

An archival bundle (``"format": "lienthong-evidence/2"``, written when a document is archived
before its payloads are purged) holds the same and, so that it verifies years later without
the PKI's services:

    document.json            {"message_id", "sender", "document_id", "document_type",
                              "attachments": [{"name", "content_type", "sha256", "size"}],
                              "timeline": [{"reporter", "status", "at", "description"}]}
    attachments/<sha256>     each attachment of the document package, decoded
    validation/certificates.pem  every certificate of every signature's path, as held then
    validation/crls.pem      the CRLs the node held (may be absent)
    validation/ocsp/<sha256>.der  OCSP answers obtained at archiving (may be absent)

and its log and signed head end at the document's own last entry (the node signs, when it
archives, that its log held that entry with that hash): a bundle's size is the document's span
in the log, however long the log has grown since.

``verify_bundle`` checks, with the trust anchors only: the head's signature and certificate;
that the entries run without a gap from the first to the head and every hash links; that each
package and receipt an entry names is present, hashes to the digest logged, and verifies
(package XML-DSig, receipt signature, both chaining to the anchors); that nothing else is in
the bundle; for an archival bundle, also that each attachment listed is the document package's
own (its digest among the package's attachments, its bytes hashing to it), with revocation judged
from the CRLs and OCSP answers carried (never fetched; an OCSP answer, obtained when the
archive was made, counts for the earlier time a package was logged: its signature by the
issuer or a responder it delegated to, and what it says, are judged by the path validator).
It returns a report naming each fact that does not hold.
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
from lienthong.edxml import parse_package
from lienthong.errors import LienthongError, message_of
from lienthong.evidence._canonical import sha256_hex
from lienthong.evidence._chain import LogKind, LogRecord, link_hash
from lienthong.evidence._errors import BundleInvalid, EvidenceError
from lienthong.evidence._receipt import read_receipt
from lienthong.evidence._statement import read_statement
from lienthong.trust import crls_from_bytes, verify_package

FORMAT: Final = "lienthong-evidence/1"
ARCHIVAL_FORMAT: Final = "lienthong-evidence/2"
DOCUMENT_FILE: Final = "document.json"
CERTIFICATES_FILE: Final = "validation/certificates.pem"
CRLS_FILE: Final = "validation/crls.pem"
_PACKAGES = (LogKind.PACKAGE_IN, LogKind.PACKAGE_OUT)
_RECEIPTS = (LogKind.RECEIPT_IN, LogKind.RECEIPT_OUT)


def package_path(sha256: str) -> str:
    return f"packages/{sha256}.edxml"


def receipt_path(sha256: str) -> str:
    return f"receipts/{sha256}.receipt"


def attachment_path(sha256: str) -> str:
    return f"attachments/{sha256}"


def ocsp_path(sha256: str) -> str:
    return f"validation/ocsp/{sha256}.der"


@dataclass(frozen=True, slots=True)
class _Revocation:
    """Revocation data an archival bundle carries: what verification judges by, offline."""

    crls: tuple[x509.CertificateRevocationList, ...] = ()
    ocsp: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class BundleReport:
    """What checking a bundle established."""

    document_id: str
    node: str
    #: Entries about the document, as verified.
    records: tuple[LogRecord, ...] = ()
    #: Every fact that does not hold, one message each; empty when the bundle proves its story.
    problems: tuple[Message, ...] = field(default=())
    #: An archival bundle: attachments and validation material checked too.
    archival: bool = False
    #: Attachments checked against the document package (archival bundles).
    attachments: int = 0

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.records)

    def summary(self) -> str:
        verdict = "VALID" if self.valid else "INVALID"
        document = json.dumps(self.document_id, ensure_ascii=False)
        return (
            f"{verdict} document={document} node={self.node} "
            f"entries={len(self.records)} problems={len(self.problems)}"
            + (f" archival=1 attachments={self.attachments}" if self.archival else "")
        )


def verify_bundle(data: bytes, *, anchors: Sequence[x509.Certificate]) -> BundleReport:
    """Check a bundle offline; raises ``BundleInvalid`` only when it cannot be read at all."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        files = {name: archive.read(name) for name in archive.namelist()}
        manifest = json.loads(files["manifest.json"])
        if manifest.get("format") not in (FORMAT, ARCHIVAL_FORMAT):
            raise ValueError(f"format {manifest.get('format')!r}")
        archival = manifest["format"] == ARCHIVAL_FORMAT
        document_id, node = str(manifest["document_id"]), str(manifest["node"])
        lines = [json.loads(line) for line in files["log.jsonl"].splitlines() if line.strip()]
        head_bytes = files["head.stmt"]
        described = json.loads(files[DOCUMENT_FILE]) if archival else {}
        revocation = _revocation(files) if archival else _Revocation()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise BundleInvalid(msg("evidence-bundle-unreadable", reason=str(exc))) from exc
    problems: list[Message] = []
    head = _head(head_bytes, anchors, problems)
    records = _chain(lines, head, problems)
    used = {"manifest.json", "log.jsonl", "head.stmt"}
    if archival:
        used |= {DOCUMENT_FILE, CERTIFICATES_FILE, CRLS_FILE}
        used |= {name for name in files if name.startswith("validation/ocsp/")}
    for record in records:
        if record.document_id != document_id:
            problems.append(msg("evidence-bundle-entry-other-document", seq=record.seq))
        if record.kind in _PACKAGES:
            used.add(package_path(record.sha256))
            _package(files, record, anchors, revocation, problems)
        elif record.kind in _RECEIPTS:
            used.add(receipt_path(record.sha256))
            _receipt(files, record, anchors, problems)
    attachments = 0
    if archival:
        attachments = _attachments(files, described, records, used, problems)
    for name in sorted(set(files) - used):
        problems.append(msg("evidence-bundle-file-unlisted", name=name))
    if not records:
        problems.append(msg("evidence-bundle-no-entry"))
    return BundleReport(document_id, node, tuple(records), tuple(problems), archival, attachments)


def _revocation(files: dict[str, bytes]) -> _Revocation:
    crls = tuple(crls_from_bytes(files[CRLS_FILE])) if CRLS_FILE in files else ()
    ocsp = tuple(data for name, data in sorted(files.items()) if name.startswith("validation/ocsp/"))
    return _Revocation(crls, ocsp)


def _attachments(
    files: dict[str, bytes],
    described: dict[str, Any],
    records: list[LogRecord],
    used: set[str],
    problems: list[Message],
) -> int:
    """Each attachment listed is present, hashes to its name, and is one of the document
    package's own; the package has none that is not listed."""
    message_id = str(described.get("message_id", ""))
    package = next((r for r in records if r.kind in _PACKAGES and r.message_id == message_id), None)
    data = files.get(package_path(package.sha256)) if package is not None else None
    carried: set[str] = set()
    if data is not None:
        try:
            parsed = parse_package(data)
            carried = {a.content.sha256 for a in getattr(parsed, "attachments", ())}
        except LienthongError as exc:
            problems.append(
                msg("evidence-bundle-attachment-invalid", name=message_id, problem=message_of(exc))
            )
    listed = [str(a.get("sha256", "")) for a in described.get("attachments", ())]
    for digest in listed:
        name = attachment_path(digest)
        used.add(name)
        content = files.get(name)
        if content is None or sha256_hex(content) != digest or digest not in carried:
            problems.append(msg("evidence-bundle-attachment-invalid", name=name, problem=digest))
    for digest in sorted(carried - set(listed)):
        problems.append(
            msg("evidence-bundle-attachment-invalid", name=attachment_path(digest), problem=digest)
        )
    return len(listed)


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
    files: dict[str, bytes],
    record: LogRecord,
    anchors: Sequence[x509.Certificate],
    revocation: _Revocation,
    problems: list[Message],
) -> None:
    data = _file(files, package_path(record.sha256), record, problems)
    if data is None:
        return
    # OCSP answers were gathered when the archive was made, after the package was logged: a
    # certificate good then was not revoked at ``record.at`` (revocation is never undone).
    report = verify_package(
        data,
        anchors=anchors,
        crls=revocation.crls,
        ocsp_responses=revocation.ocsp,
        at=record.at,
        retroactive=bool(revocation.ocsp),
    )
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
