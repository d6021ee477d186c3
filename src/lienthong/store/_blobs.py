"""``BlobStore``: files named by the SHA-256 of their bytes, written and read as streams.

A put streams into a temporary file in the store's own directory (so the final rename stays on
one file system and is atomic), hashing as it goes; the file is fsynced, renamed to its digest
and the directory fsynced, so after ``put`` returns the blob survives a crash, and a reader
never sees a half-written blob. Putting the same bytes twice keeps the first file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from lienthong._i18n import tr
from lienthong.store._errors import BlobCorrupt, BlobNotFound

#: Bytes read or written at a time: enough to keep syscalls rare, small enough never to matter.
CHUNK: Final = 1 << 16

_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class BlobRef:
    """A stored blob: its SHA-256 digest (lower-case hex) and its size in bytes."""

    sha256: str
    size: int


class BlobStore:
    """Blobs under ``root``: ``root/ab/cd/abcd…`` (two levels keep directories small)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest lives (whether or not it exists)."""
        digest = _checked(sha256)
        return self.root / digest[:2] / digest[2:4] / digest

    def __contains__(self, sha256: object) -> bool:
        if not isinstance(sha256, str) or _DIGEST.fullmatch(sha256) is None:
            return False
        return self.path(sha256).is_file()

    def put(self, source: BinaryIO | Iterable[bytes], *, expected_sha256: str | None = None) -> BlobRef:
        """Store the bytes of a binary stream or an iterable of chunks; never whole in memory.

        With ``expected_sha256``, bytes that hash otherwise raise ``BlobCorrupt`` and nothing is
        stored.
        """
        hasher = hashlib.sha256()
        size = 0
        handle, temp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        temp = Path(temp_name)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in _chunks(source):
                    hasher.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = hasher.hexdigest()
            if expected_sha256 is not None and digest != expected_sha256.lower():
                raise BlobCorrupt(
                    tr(
                        f"dữ liệu có SHA-256 {digest}, không phải {expected_sha256}.",
                        f"the bytes hash to {digest}, not {expected_sha256}.",
                    ),
                    expected=expected_sha256,
                    actual=digest,
                )
            final = self.path(digest)
            if final.is_file():
                return BlobRef(digest, size)  # idempotent: the same name means the same bytes
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)
            _fsync_directory(final.parent)
            return BlobRef(digest, size)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()

    def put_bytes(self, data: bytes) -> BlobRef:
        return self.put([data])

    def open(self, sha256: str) -> BinaryIO:
        """The blob as a binary stream; close it (use ``with``). Raises ``BlobNotFound``."""
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(tr(f"không có blob {sha256}.", f"no blob {sha256}."), digest=sha256) from exc

    def read_verified(self, sha256: str) -> Iterable[bytes]:
        """The blob in chunks, checked against its name at the end; raises ``BlobCorrupt``."""
        hasher = hashlib.sha256()
        with self.open(sha256) as stream:
            while chunk := stream.read(CHUNK):
                hasher.update(chunk)
                yield chunk
        if hasher.hexdigest() != sha256:
            raise BlobCorrupt(
                tr(f"blob {sha256} đã bị hỏng trên đĩa.", f"the blob {sha256} is corrupt on disk."),
                expected=sha256,
                actual=hasher.hexdigest(),
            )

    def size(self, sha256: str) -> int:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError as exc:
            raise BlobNotFound(tr(f"không có blob {sha256}.", f"no blob {sha256}."), digest=sha256) from exc


def _checked(sha256: str) -> str:
    # The digest becomes a path: anything but 64 hex digits could climb out of the store.
    if not _DIGEST.fullmatch(sha256):
        raise BlobNotFound(
            tr(f"'{sha256}' không phải mã SHA-256.", f"'{sha256}' is not a SHA-256 digest."),
            digest=sha256,
        )
    return sha256


def _chunks(source: BinaryIO | Iterable[bytes]) -> Iterable[bytes]:
    read = getattr(source, "read", None)
    if read is None:
        yield from source
        return
    while chunk := read(CHUNK):
        yield chunk


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is; Windows cannot open a directory.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
