"""The signer's second pass made a copy when it can be: most packages (ours, and any written by
libxml2) already are what libxml2 would write for them, so rather than parse them again, the
bytes are copied with the signature put in.

During the first pass ``Layout`` notes where the first node, the header's end tag and the root's
end tag start, while the ``Serializer`` output is hashed. ``copy_signed`` then checks that the
input bytes from the first node to the root's end are exactly that output (same SHA-256) and
only then copies them; otherwise it declines and the caller writes the package event by event.
Nothing is written to the target before the check has passed.
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO, Final

from lienthong.trust._landmarks import Landmarks
from lienthong.trust._serialize_stream import Writable
from lienthong.trust._xml_stream import Reader, Tag

_CHUNK: Final = 1 << 20
_MAX_TAIL: Final = 4096  # what may follow the root's end tag: blanks only


class HashWriter:
    """A binary "stream" that only hashes what is written to it."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes, /) -> int:
        self.hash.update(data)
        return len(data)


class Layout:
    """Reader events in; offsets of the places a copy needs, and whether a copy can do."""

    def __init__(self, reader: Reader, marks: Landmarks) -> None:
        self._reader = reader
        self._marks = marks  # told of each event before this handler is
        self.first: int | None = None
        self.header_end: int | None = None
        self.root_end: int | None = None
        self.root_qname = ""
        self.copyable = True
        self._just_started: int | None = None  # serial of an element with no content yet

    def _event(self) -> None:
        if self.first is None:
            self.first = self._reader.offset
        elif self.root_end is not None:
            self.copyable = False  # a comment or PI after the root: libxml2 drops the blanks

    def start(self, tag: Tag) -> None:
        self._event()
        self._just_started = tag.serial

    def end(self, tag: Tag) -> None:
        header = self._marks.header
        if header is not None and tag.serial == header.serial:
            self.header_end = self._reader.offset
            if self._just_started == tag.serial:
                self.copyable = False  # <edXMLHeader/> must open to take the signature
        if tag.depth == 1:
            self.root_end = self._reader.offset
            self.root_qname = tag.qname
        self._just_started = None

    def text(self, _data: str) -> None:
        self._just_started = None

    def cdata(self) -> None:
        self._just_started = None

    def comment(self, _data: str, _depth: int) -> None:
        self._event()
        self._just_started = None

    def pi(self, _target: str, _data: str | None, _depth: int) -> None:
        self._event()
        self._just_started = None


def _copy(source: BinaryIO, start: int, end: int, sink: Writable) -> None:
    source.seek(start)
    left = end - start
    while left > 0:
        chunk = source.read(min(_CHUNK, left))
        if not chunk:
            raise OSError("the package changed while it was being signed")
        sink.write(chunk)
        left -= len(chunk)


def copy_signed(
    source: BinaryIO, start: int, layout: Layout, written: bytes, target: BinaryIO, signature: bytes
) -> bool:
    """Copy the package with ``signature`` before the header's end tag, if its bytes are the
    serialisation whose SHA-256 is ``written``; False (nothing written) when they are not."""
    first, header_end, root_end = layout.first, layout.header_end, layout.root_end
    if not layout.copyable or first is None or header_end is None or root_end is None:
        return False
    end_tag = f"</{layout.root_qname}>".encode()
    source.seek(start + root_end)
    tail = source.read(_MAX_TAIL + 1)
    if len(tail) > _MAX_TAIL or tail.rstrip(b" \t\r\n") != end_tag:
        return False
    end = root_end + len(end_tag)
    check = HashWriter()
    _copy(source, start + first, start + end, check)
    if check.hash.digest() != written:
        return False
    _copy(source, start + first, start + header_end, target)
    target.write(signature)
    _copy(source, start + header_end, start + end, target)
    return True
