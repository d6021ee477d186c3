"""The one entry point for reading a package."""

from __future__ import annotations

from typing import BinaryIO

from lienthong.edxml._compiled import read_package
from lienthong.edxml._content import AttachmentSink, MemorySink
from lienthong.edxml._limits import DEFAULT_LIMITS, Limits
from lienthong.edxml._model import Package
from lienthong.edxml._xml import parse_xml


def parse_package(
    source: bytes | BinaryIO,
    *,
    sink: AttachmentSink | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Package:
    """Read an edXML package from its bytes or a binary stream.

    Pure: it touches neither the network nor the file system (a zip-wrapped attachment larger
    than ``Limits.zip_spool_bytes`` spills to an anonymous temporary file while it is unwrapped).
    Attachments go to ``sink``: kept in memory by default; ``DigestSink`` only measures them.
    Raises a ``PackageRejected`` subclass naming what is wrong.
    """
    target = sink if sink is not None else MemorySink()
    parsed = parse_xml(source, sink=target, limits=limits)
    return read_package(parsed, sink=target, limits=limits)
