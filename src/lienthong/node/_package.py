"""``PackageSource``: a package as the node handles it, its bytes in memory or in a file.

Small packages stay bytes, as before. Above the spool threshold (``Limits.in_memory_bytes``,
where the edXML parser also switches to streaming) a body is written to a file under the blob
store's ``temporary`` directory while it arrives, hashed as it is written, so that storing it
is the store's ``adopt`` (a rename on the file system), and no step holds it whole in memory.
A stored package (``of_blob``) is read as a stream from the blob store, wherever it keeps it.

Whoever makes a spooled source owns its file: ``store`` moves it into the blob store,
``discard`` deletes it (and does nothing once it was moved), so ``try/finally: discard()``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lienthong._i18n import msg
from lienthong.edxml import DigestSink, Limits, Package, parse_package
from lienthong.store import BlobCorrupt, BlobRef, BlobStaging, BlobStorage

#: Bytes read from a package file at a time.
CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class PackageSource:
    """A package's bytes (``data``), the file holding them (``path``) or the blob store holding
    them (``blobs``), with their digest."""

    sha256: str
    size: int
    data: bytes | None = None
    path: Path | None = None
    #: The file is a spool of ours: ``store`` moves it, ``discard`` deletes it.
    spooled: bool = False
    blobs: BlobStorage | None = None

    @classmethod
    def of_bytes(cls, data: bytes) -> PackageSource:
        return cls(hashlib.sha256(data).hexdigest(), len(data), data=data)

    @classmethod
    def of_file(cls, path: Path, *, spooled: bool = False) -> PackageSource:
        """The package in ``path``, hashed now (one read)."""
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return cls(digest.hexdigest(), size, path=path, spooled=spooled)

    @property
    def in_memory(self) -> bool:
        return self.data is not None

    def open(self) -> BinaryIO:
        """The bytes as a binary stream; close it (use ``with``)."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.blobs is not None:
            return self.blobs.open(self.sha256)
        assert self.path is not None
        return self.path.open("rb")

    def parse(self, limits: Limits) -> Package:
        """The package (attachments measured, not kept), a file read as a stream; raises
        ``PackageRejected``."""
        if self.data is not None:
            return parse_package(self.data, sink=DigestSink(), limits=limits)
        with self.open() as stream:
            return parse_package(stream, sink=DigestSink(), limits=limits)

    @classmethod
    def of_blob(cls, blobs: BlobStorage, sha256: str) -> PackageSource:
        """A stored package, read in place (never moved nor deleted: not a spool)."""
        return cls(sha256, blobs.size(sha256), blobs=blobs)

    def chunks(self) -> Iterator[bytes]:
        """The bytes in chunks; a file is checked against ``sha256`` at the end (``BlobCorrupt``:
        a package changed on disk is not sent as if it were the one accepted)."""
        if self.data is not None:
            yield self.data
            return
        digest = hashlib.sha256()
        with self.open() as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                yield chunk
        if digest.hexdigest() != self.sha256:
            raise BlobCorrupt(
                msg("node-package-file-changed", path=str(self.path or self.sha256)),
                expected=self.sha256,
                actual=digest.hexdigest(),
            )

    def read_bytes(self) -> bytes:
        """The whole package in memory: for small packages only."""
        if self.data is not None:
            return self.data
        if self.blobs is not None:
            return b"".join(self.blobs.read_verified(self.sha256))
        assert self.path is not None
        return self.path.read_bytes()

    def store(self, blobs: BlobStorage | BlobStaging) -> BlobRef:
        """Keep the package in ``blobs`` (or stage it in a batch): a spool is moved in, anything
        else copied."""
        if self.spooled and self.path is not None:
            return blobs.adopt(self.path, sha256=self.sha256)
        if self.data is not None:
            return blobs.put([self.data], expected_sha256=self.sha256)
        with self.open() as stream:
            return blobs.put(stream, expected_sha256=self.sha256)

    def discard(self) -> None:
        """Delete a spool's file (gone already once stored); nothing else is touched."""
        if self.spooled and self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def package_source(package: bytes | PackageSource) -> PackageSource:
    """``package`` as a source (bytes are wrapped, a source is itself)."""
    return package if isinstance(package, PackageSource) else PackageSource.of_bytes(package)


class Spool:
    """Collects a body as it arrives: in memory up to ``threshold`` bytes, then in a file under
    ``directory``; hashed throughout. ``drop()`` stops keeping (an oversize body is only
    hashed, so that its refusal names its digest). Close with ``finish`` or ``abort``."""

    def __init__(self, directory: Path, *, threshold: int) -> None:
        self._directory = directory
        self._threshold = threshold
        self._digest = hashlib.sha256()
        self._buffer = bytearray()
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._keeping = True
        self.size = 0

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def write(self, chunk: bytes) -> None:
        self._digest.update(chunk)
        self.size += len(chunk)
        if not self._keeping:
            return
        if self._file is None and len(self._buffer) + len(chunk) > self._threshold:
            handle, name = tempfile.mkstemp(dir=self._directory, prefix="spool-")
            self._file, self._path = os.fdopen(handle, "wb"), Path(name)
            self._file.write(self._buffer)
            self._buffer = bytearray()
        if self._file is not None:
            self._file.write(chunk)
        else:
            self._buffer += chunk

    def drop(self) -> None:
        """Keep nothing more (and nothing kept so far); go on hashing."""
        self._keeping = False
        self._buffer = bytearray()
        self._close(delete=True)

    def finish(self) -> PackageSource:
        """What was written, as a source (its file, if any, now the caller's)."""
        if self._file is not None and self._path is not None:
            path = self._path
            self._file.close()
            self._file, self._path = None, None
            return PackageSource(self.sha256, self.size, path=path, spooled=True)
        data, self._buffer = bytes(self._buffer), bytearray()
        return PackageSource(self.sha256, self.size, data=data)

    def abort(self) -> None:
        self._buffer = bytearray()
        self._close(delete=True)

    def _close(self, *, delete: bool) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if delete and self._path is not None:
            with contextlib.suppress(FileNotFoundError):
                self._path.unlink()
            self._path = None


def read_package_file(path: Path, *, threshold: int) -> PackageSource:
    """A package file: read into memory up to ``threshold`` bytes, else read in place (it is
    not ours: stored by copying, never moved)."""
    if path.stat().st_size <= threshold:
        return PackageSource.of_bytes(path.read_bytes())
    return PackageSource.of_file(path)
