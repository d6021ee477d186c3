"""Attachment content and the sinks that receive it while a package is decoded.

A parser never holds a large attachment in memory: it streams decoded bytes into a sink, which
keeps them (``MemorySink``), only measures them (``DigestSink``), or, in a node, writes them to
the blob store. Content is identified by size and SHA-256, so two contents are equal when their
bytes are, wherever they are kept.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from lienthong._i18n import msg
from lienthong.errors import LienthongError


class AttachmentContent:
    """Decoded bytes of one attachment: their size, their SHA-256, and a way to read them."""

    __slots__ = ("sha256", "size")

    def __init__(self, *, size: int, sha256: str) -> None:
        self.size = size
        #: Lowercase hex SHA-256 of the decoded bytes.
        self.sha256 = sha256

    def open(self) -> BinaryIO:
        """A binary stream of the bytes; raises LienthongError where they were not kept."""
        raise LienthongError(
            msg("edxml-content-not-kept"),
            code="content-not-kept",
        )

    def read_bytes(self) -> bytes:
        with self.open() as stream:
            return stream.read()

    @property
    def retained(self) -> bool:
        """Whether the bytes can be read back."""
        return False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AttachmentContent):
            return NotImplemented
        return self.size == other.size and self.sha256 == other.sha256

    def __hash__(self) -> int:
        return hash((self.size, self.sha256))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, sha256={self.sha256[:12]}…)"


class BytesContent(AttachmentContent):
    """Content held in memory; its digest, when not given, is computed the first time it is read."""

    __slots__ = ("_data", "_digest")

    def __init__(self, data: bytes, *, sha256: str | None = None) -> None:
        # Not AttachmentContent.__init__: the digest waits until asked for (reading a package
        # into memory need not hash what nobody compares).
        self.size = len(data)
        self._data = data
        self._digest = sha256 or None

    @property
    def sha256(self) -> str:
        """Lowercase hex SHA-256 of the bytes."""
        if self._digest is None:
            self._digest = hashlib.sha256(self._data).hexdigest()
        return self._digest

    @sha256.setter
    def sha256(self, value: str) -> None:
        self._digest = value

    def open(self) -> BinaryIO:
        return io.BytesIO(self._data)

    def read_bytes(self) -> bytes:
        return self._data

    @property
    def retained(self) -> bool:
        return True


class FileContent(AttachmentContent):
    """Content in a file, read when asked for; its digest is computed once, as it is made."""

    __slots__ = ("path",)

    def __init__(self, path: Path, *, size: int | None = None, sha256: str | None = None) -> None:
        if size is None or sha256 is None:
            digest = hashlib.sha256()
            size = 0
            with path.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
                    size += len(chunk)
            sha256 = digest.hexdigest()
        super().__init__(size=size, sha256=sha256)
        self.path = path

    def open(self) -> BinaryIO:
        return self.path.open("rb")

    @property
    def retained(self) -> bool:
        return True


class ContentWriter(Protocol):
    """Receives one attachment's decoded bytes in order, then makes its content."""

    def write(self, data: bytes, /) -> None: ...

    def finish(self, *, size: int, sha256: str) -> AttachmentContent: ...

    def abort(self) -> None: ...


class AttachmentSink(Protocol):
    """Where decoded attachments go: one writer per attachment."""

    def begin(self) -> ContentWriter: ...


@dataclass(slots=True)
class _MemoryWriter:
    chunks: list[bytes] = field(default_factory=list)

    def write(self, data: bytes, /) -> None:
        self.chunks.append(data)

    def finish(self, *, size: int, sha256: str) -> AttachmentContent:  # noqa: ARG002
        data = b"".join(self.chunks)
        self.chunks.clear()
        return BytesContent(data, sha256=sha256)

    def abort(self) -> None:
        self.chunks.clear()


class MemorySink:
    """Keeps every attachment in memory: the default for ordinary packages."""

    def begin(self) -> ContentWriter:
        return _MemoryWriter()


class _DigestWriter:
    def write(self, data: bytes, /) -> None:
        pass

    def finish(self, *, size: int, sha256: str) -> AttachmentContent:
        return AttachmentContent(size=size, sha256=sha256)

    def abort(self) -> None:
        pass


class DigestSink:
    """Measures attachments (size, SHA-256) and keeps nothing: for checking and showing."""

    def begin(self) -> ContentWriter:
        return _DigestWriter()
