"""Streaming decoding of ``ContentTransferEncoded``: base64, then a zip wrapper if there is one.

Text arrives in chunks (from the streaming parser) or whole (from the in-memory one); either way
it is decoded 4-character block by block into the sink, so memory stays flat however large the
attachment. Writers often zip a file before encoding it; a decoded stream that starts like a zip
archive is spooled, and once the attachment's name and type are known it is unwrapped if it is
such a wrapper: exactly one file inside, and the attachment does not claim to be an archive.
"""

from __future__ import annotations

import binascii
import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Final

import pybase64

from lienthong._i18n import msg
from lienthong.edxml._content import (
    AttachmentContent,
    AttachmentSink,
    BytesContent,
    ContentWriter,
    MemorySink,
)
from lienthong.edxml._limits import Limits
from lienthong.errors import SemanticInvalid, UnsafeXML

_ELEMENT: Final = "ContentTransferEncoded"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_WHITESPACE: Final = b" \t\r\n"
_ARCHIVE_TYPES: Final = ("zip", "java-archive", "x-7z", "x-rar", "x-tar")
_ARCHIVE_SUFFIXES: Final = (".zip", ".jar", ".7z", ".rar")
_COPY_CHUNK: Final = 1 << 20


def _invalid_base64() -> SemanticInvalid:
    return SemanticInvalid(
        msg("edxml-base64-invalid"),
        element=_ELEMENT,
        code="invalid-base64",
    )


def _too_large(limit: int) -> UnsafeXML:
    return UnsafeXML(
        msg("edxml-attachment-too-large", limit=limit),
        element=_ELEMENT,
        code="attachment-too-large",
    )


class _Counted:
    """Bytes on their way to a writer, counted, hashed and bounded."""

    __slots__ = ("_hash", "_limit", "size", "writer")

    def __init__(self, writer: ContentWriter, limit: int) -> None:
        self.writer = writer
        self._hash = hashlib.sha256()
        self._limit = limit
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self._limit:
            raise _too_large(self._limit)
        self._hash.update(data)
        self.writer.write(data)

    def finish(self) -> AttachmentContent:
        return self.writer.finish(size=self.size, sha256=self._hash.hexdigest())


@dataclass(slots=True)
class DecodedPayload:
    """An attachment's bytes after base64: final content, or a spooled zip awaiting a decision."""

    content: AttachmentContent | None
    spool: IO[bytes] | None = None


class AttachmentDecoder:
    """Decodes one attachment's base64 text, fed in chunks of any length."""

    def __init__(self, sink: AttachmentSink, limits: Limits) -> None:
        self._sink = sink
        self._limits = limits
        self._rest = b""
        self._head = b""
        self._padded = False
        self._out: _Counted | None = None
        self._spool: IO[bytes] | None = None
        self._spooled = 0

    def feed(self, text: str) -> None:
        try:
            # bytes.translate deletes white space at C speed; str.translate would not.
            data = self._rest + text.encode("ascii").translate(None, _WHITESPACE)
        except UnicodeEncodeError as exc:
            raise _invalid_base64() from exc
        whole = len(data) - len(data) % 4
        self._rest = data[whole:]
        if whole:
            self._decode(data[:whole])

    def _decode(self, block: bytes) -> None:
        if self._padded:  # data after the final '=' padding
            raise _invalid_base64()
        try:
            # pybase64 validates and decodes with SIMD, an order of magnitude faster than binascii.
            decoded = pybase64.b64decode(block, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _invalid_base64() from exc
        self._padded = block.endswith(b"=")
        self._emit(decoded)

    def _emit(self, decoded: bytes) -> None:
        if self._out is None and self._spool is None:
            self._head += decoded
            if len(self._head) < len(_ZIP_MAGIC):
                return
            decoded, self._head = self._head, b""
            if decoded.startswith(_ZIP_MAGIC):
                # Closed by finalize() or abort(), whichever comes last.
                self._spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115
                    max_size=self._limits.zip_spool_bytes
                )
            else:
                self._out = _Counted(self._sink.begin(), self._limits.max_attachment_bytes)
        if self._spool is not None:
            self._spooled += len(decoded)
            if self._spooled > self._limits.max_attachment_bytes:
                raise _too_large(self._limits.max_attachment_bytes)
            self._spool.write(decoded)
        elif self._out is not None:
            self._out.write(decoded)

    def close(self) -> DecodedPayload:
        if self._rest:
            # Unpadded base64 from lax writers: two or three trailing characters still decode.
            if len(self._rest) == 1:
                raise _invalid_base64()
            self._decode(self._rest + b"=" * (4 - len(self._rest)))
            self._rest = b""
        if self._spool is not None:
            self._spool.seek(0)
            return DecodedPayload(content=None, spool=self._spool)
        if self._out is None:  # fewer than four bytes in all: too short to be a zip
            self._out = _Counted(self._sink.begin(), self._limits.max_attachment_bytes)
            self._out.write(self._head)
        return DecodedPayload(content=self._out.finish())

    def abort(self) -> None:
        if self._out is not None:
            self._out.writer.abort()
        if self._spool is not None:
            self._spool.close()


def _b64decode(block: bytes) -> bytes:
    try:
        return pybase64.b64decode(block, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _invalid_base64() from exc


def decode_text(text: str, sink: AttachmentSink, limits: Limits) -> DecodedPayload:
    """Decode base64 text already held whole (the in-memory parser's case).

    The same checks, in the same order, as ``AttachmentDecoder`` fed the whole text and closed,
    in a handful of calls instead of a few dozen: most packages are small, and this is the
    larger part of reading them.
    """
    try:
        data = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise _invalid_base64() from exc
    limit = limits.max_attachment_bytes
    try:  # most writers send one padded line: no white space to delete (a slow pass), no rest
        decoded = pybase64.b64decode(data, validate=True)
        rest = 0
    except (binascii.Error, ValueError):
        data = data.translate(None, _WHITESPACE)
        rest = len(data) % 4
        whole = len(data) - rest
        decoded = _b64decode(data[:whole] if rest else data) if whole else b""
    if len(decoded) > limit:
        raise _too_large(limit)
    if rest:
        # Unpadded base64 from lax writers, as AttachmentDecoder.close() accepts it.
        if rest == 1 or data[whole - 1 : whole] == b"=":
            raise _invalid_base64()
        decoded += _b64decode(data[whole:] + b"=" * (4 - rest))
        if len(decoded) > limit:
            raise _too_large(limit)
    if decoded.startswith(_ZIP_MAGIC):
        # Closed by finalize(), as for a streamed attachment.
        spool = tempfile.SpooledTemporaryFile(max_size=limits.zip_spool_bytes)  # noqa: SIM115
        spool.write(decoded)
        spool.seek(0)
        return DecodedPayload(content=None, spool=spool)
    if sink.__class__ is MemorySink:  # kept as is; the digest is computed if it is asked for
        return DecodedPayload(content=BytesContent(decoded))
    writer = sink.begin()
    try:
        writer.write(decoded)
    except BaseException:
        writer.abort()
        raise
    return DecodedPayload(
        content=writer.finish(size=len(decoded), sha256=hashlib.sha256(decoded).hexdigest())
    )


def _claims_archive(name: str | None, content_type: str | None) -> bool:
    lowered = (name or "").lower()
    ctype = (content_type or "").lower()
    return lowered.endswith(_ARCHIVE_SUFFIXES) or any(t in ctype for t in _ARCHIVE_TYPES)


def finalize(
    payload: DecodedPayload,
    *,
    name: str | None,
    content_type: str | None,
    sink: AttachmentSink,
    limits: Limits,
) -> tuple[AttachmentContent, bool]:
    """The attachment's content, and whether it came wrapped in a zip that was removed."""
    if payload.content is not None:
        return payload.content, False
    spool = payload.spool
    assert spool is not None
    try:
        if not _claims_archive(name, content_type):
            inner = _single_entry(spool)
            if inner is not None:
                return _unwrap(spool, inner, sink, limits), True
        spool.seek(0)
        out = _Counted(sink.begin(), limits.max_attachment_bytes)
        while chunk := spool.read(_COPY_CHUNK):
            out.write(chunk)
        return out.finish(), False
    finally:
        spool.close()


def _single_entry(spool: IO[bytes]) -> zipfile.ZipInfo | None:
    """The archive's only file, if it has exactly one and it is readable; otherwise None."""
    try:
        with zipfile.ZipFile(spool) as archive:
            files = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # starts like a zip but is not one: the bytes are the attachment itself
    if len(files) != 1 or files[0].flag_bits & 0x1:  # several files, or encrypted
        return None
    return files[0]


def _unwrap(
    spool: IO[bytes], info: zipfile.ZipInfo, sink: AttachmentSink, limits: Limits
) -> AttachmentContent:
    limit = limits.max_attachment_bytes
    if info.file_size > limit:
        raise _too_large(limit)
    if info.file_size > _COPY_CHUNK and info.file_size > info.compress_size * limits.max_zip_ratio:
        raise UnsafeXML(
            msg("edxml-zip-bomb"),
            element=_ELEMENT,
            code="zip-bomb",
        )
    out = _Counted(sink.begin(), limit)
    try:
        with zipfile.ZipFile(spool) as archive, archive.open(info) as entry:
            shutil.copyfileobj(_Bounded(entry, limit), _WriterIO(out), _COPY_CHUNK)
    except zipfile.BadZipFile as exc:  # CRC mismatch or a damaged stream
        out.writer.abort()
        raise SemanticInvalid(
            msg("edxml-zip-damaged"),
            element=_ELEMENT,
            code="zip-damaged",
        ) from exc
    except BaseException:
        out.writer.abort()
        raise
    return out.finish()


class _Bounded:
    """Reads at most ``limit`` + 1 bytes, so a lying header cannot make us inflate forever."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._left = limit + 1

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        chunk = self._stream.read(min(size if size >= 0 else self._left, self._left))
        self._left -= len(chunk)
        return chunk


class _WriterIO:
    def __init__(self, out: _Counted) -> None:
        self._out = out

    def write(self, data: bytes) -> int:
        self._out.write(bytes(data))
        return len(data)
