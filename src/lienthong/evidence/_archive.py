"""Archives: a directory of archival evidence bundles, one per document, laid out as a BagIt bag
(RFC 8493) so an archive's own tools can check its completeness without knowing lienthong::

    bagit.txt                "BagIt-Version: 1.0" and the tag file encoding
    bag-info.txt             Source-Organization (the node), Bagging-Date, Payload-Oxum, and
                             Lienthong-Format: lienthong-evidence/2
    manifest-sha256.txt      "<sha256>  data/<file>" for every payload file
    tagmanifest-sha256.txt   the same for the three tag files above
    data/<message id>.zip    one archival bundle (``lienthong.evidence._bundle``) per document
    tagmanifest-sha256.txt.tst  an RFC 3161 time-stamp token over the SHA-256 of the tag
                             manifest (so over every file of the bag), when the node's network
                             has a time-stamp service; absent otherwise

``verify_archive`` checks the bag (every payload file listed, present, hashing as listed; the
tag files likewise), the time-stamp token when there is one (its imprint, its signature, the
TSA's certificate chained to the anchors at its time) and every bundle with ``verify_bundle``,
offline, with the trust anchors only. It reads the directory and nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509

from lienthong._i18n import Message, msg
from lienthong.errors import message_of
from lienthong.evidence._bundle import ARCHIVAL_FORMAT, BundleReport, verify_bundle
from lienthong.evidence._errors import BundleInvalid, EvidenceError
from lienthong.trust import judge_token

BAGIT: Final = "bagit.txt"
BAG_INFO: Final = "bag-info.txt"
MANIFEST: Final = "manifest-sha256.txt"
TAG_MANIFEST: Final = "tagmanifest-sha256.txt"
TIMESTAMP: Final = "tagmanifest-sha256.txt.tst"
PAYLOAD: Final = "data"
_CHUNK: Final = 1 << 16


def bundle_name(message_id: str) -> str:
    """A document's bundle, relative to the bag."""
    return f"{PAYLOAD}/{message_id}.zip"


def file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def tag_files(*, node: str, at: datetime, payload: Iterable[tuple[str, str, int]]) -> dict[str, bytes]:
    """The tag files of a bag whose payload is ``(sha256, name, size)`` each: written last, after
    every payload file is durable, so a bag with a manifest lists only finished bundles."""
    listed = sorted(payload, key=lambda item: item[1])
    manifest = "".join(f"{sha256}  {name}\n" for sha256, name, _ in listed).encode("utf-8")
    octets = sum(size for _, _, size in listed)
    files = {
        BAGIT: b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        BAG_INFO: (
            f"Source-Organization: {node}\nBagging-Date: {at.date().isoformat()}\n"
            f"Payload-Oxum: {octets}.{len(listed)}\nLienthong-Format: {ARCHIVAL_FORMAT}\n"
        ).encode(),
        MANIFEST: manifest,
    }
    files[TAG_MANIFEST] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ).encode("utf-8")
    return files


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    """What checking an archive established."""

    path: str
    #: Each bundle's report, in the manifest's order.
    bundles: tuple[BundleReport, ...] = ()
    #: Every fact about the bag itself that does not hold (files missing, altered, unlisted).
    problems: tuple[Message, ...] = field(default=())
    #: When a TSA attests the bag's tag manifest existed (its token verified); None: no token.
    timestamp: datetime | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and all(b.valid for b in self.bundles)

    def summary(self) -> str:
        verdict = "VALID" if self.valid else "INVALID"
        invalid = sum(not b.valid for b in self.bundles)
        counts = f"bundles={len(self.bundles)} invalid={invalid} problems={len(self.problems)}"
        stamped = self.timestamp.isoformat() if self.timestamp is not None else "none"
        return f"{verdict} archive={self.path} {counts} timestamp={stamped}"


def _manifest(text: str) -> list[tuple[str, str]]:
    lines = []
    for line in text.splitlines():
        if line.strip():
            digest, _, name = line.partition("  ")
            lines.append((digest.strip().lower(), name.strip()))
    return lines


def verify_archive(root: Path, *, anchors: Sequence[x509.Certificate]) -> ArchiveReport:
    """Check a bag of archival bundles offline; raises ``BundleInvalid`` only when it is not a
    bag at all."""
    try:
        (root / BAGIT).read_bytes()
        listed = _manifest((root / MANIFEST).read_text(encoding="utf-8"))
        tags = _manifest((root / TAG_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleInvalid(msg("evidence-archive-unreadable", path=str(root), reason=str(exc))) from exc
    problems: list[Message] = []
    for digest, name in tags:
        _check(root, name, digest, problems)
    timestamp = _timestamp(root, anchors, problems)
    reports: list[BundleReport] = []
    for digest, name in listed:
        data = _check(root, name, digest, problems)
        if data is None:
            continue
        try:
            reports.append(verify_bundle(data, anchors=anchors))
        except EvidenceError as exc:
            problems.append(msg("evidence-archive-bundle-unreadable", name=name, problem=message_of(exc)))
    names = {name for _, name in listed}
    payload = root / PAYLOAD
    present = sorted(p.relative_to(root).as_posix() for p in payload.rglob("*") if p.is_file())
    for name in present:
        if name not in names:
            problems.append(msg("evidence-archive-file-unlisted", name=name))
    return ArchiveReport(str(root), tuple(reports), tuple(problems), timestamp)


def tag_manifest_imprint(root: Path) -> bytes:
    """What the bag's time-stamp token is over: the SHA-256 of its tag manifest."""
    return hashlib.sha256((root / TAG_MANIFEST).read_bytes()).digest()


def _timestamp(root: Path, anchors: Sequence[x509.Certificate], problems: list[Message]) -> datetime | None:
    try:
        token = (root / TIMESTAMP).read_bytes()
    except FileNotFoundError:
        return None
    report = judge_token(token, tag_manifest_imprint(root), anchors=anchors)
    if not report.valid:
        detail = report.detail or ("imprint" if not report.imprint_ok else report.chain_status.value)
        problems.append(msg("evidence-archive-timestamp-invalid", name=TIMESTAMP, problem=detail))
        return None
    return report.time


def _check(root: Path, name: str, digest: str, problems: list[Message]) -> bytes | None:
    path = root / name
    if ".." in Path(name).parts or not path.is_file():
        problems.append(msg("evidence-archive-file-missing", name=name))
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        problems.append(msg("evidence-archive-file-altered", name=name))
        return None
    return data
