"""Safe XML parsing of packages: no DTD, no entities, no network, no files, bounded size.

Two ways in, one result. A package that fits in memory (``Limits.in_memory_bytes``) is parsed
by libxml2 in one call, which is the fastest. A larger one is fed to libxml2 in chunks with a
target that builds the same tree but diverts attachment text (``ContentTransferEncoded``) into
streaming decoders, so base64 text is never held whole. Both refuse a document type declaration
outright: no DTD means no entity can be declared, so none can be expanded or fetched.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Final

from lxml import etree

from lienthong._i18n import msg
from lienthong.edxml._content import AttachmentSink
from lienthong.edxml._decode import AttachmentDecoder, DecodedPayload
from lienthong.edxml._limits import Limits
from lienthong.edxml._tree import declares_doctype, local_name
from lienthong.errors import MalformedXML, SchemaInvalid, UnsafeXML

_ROOT_START: Final = re.compile(rb"<[A-Za-z_]")
_POSITION: Final = re.compile(r",? line \d+, column \d+$")
_FEED_CHUNK: Final = 256 << 10
#: Path (local names) of the element whose text is an attachment's base64 content.
ATTACHMENT_TEXT_PATH: Final = ("edXML", "AttachmentEncoded", "Attachment", "ContentTransferEncoded")

_local = threading.local()


def _parser_options() -> dict[str, Any]:
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
        "collect_ids": False,
    }


def _tree_parser() -> etree.XMLParser:
    # lxml parsers are not thread-safe: one per thread, made once.
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(**_parser_options())
        _local.parser = parser
    return parser


@dataclass(slots=True)
class ParsedXML:
    """The package's element tree; for a streamed package, its attachments already decoded."""

    root: etree._Element
    #: Decoded attachment payloads in document order (streamed packages only).
    payloads: list[DecodedPayload] | None = None
    #: Whether line numbers are known (they are not for streamed packages).
    lines: bool = True


def _doctype_refused() -> UnsafeXML:
    return UnsafeXML(
        msg("edxml-dtd-forbidden"),
        code="dtd-forbidden",
    )


def _too_large(limit: int) -> UnsafeXML:
    return UnsafeXML(
        msg("edxml-package-too-large", limit=limit),
        code="package-too-large",
    )


def _empty() -> MalformedXML:
    return MalformedXML(msg("edxml-file-empty"), code="empty")


def _syntax_error(
    exc: etree.XMLSyntaxError, log: etree._ListErrorLog | None = None
) -> MalformedXML | UnsafeXML:
    # When a target parser stops, lxml raises the target's own complaint ("missing end tags");
    # the cause is the last error libxml2 logged.
    errors = log.filter_from_errors() if log is not None else None
    first = errors[-1] if errors else None
    message = (first.message if first is not None else str(exc.msg or exc)).strip()
    message = _POSITION.sub("", message)  # the line is reported once, by the caller
    line = (first.line if first is not None else exc.lineno) or None
    lowered = message.lower()
    if "entity" in lowered or "entities" in lowered:
        return UnsafeXML(
            msg("edxml-entity-forbidden", reason=message),
            line=line,
            code="entity-forbidden",
        )
    if "depth" in lowered:
        return UnsafeXML(
            msg("edxml-too-deep", depth=256),
            line=line,
            code="xml-limit",
        )
    if "huge" in lowered:
        return UnsafeXML(
            msg("edxml-beyond-limits", reason=message),
            line=line,
            code="xml-limit",
        )
    return MalformedXML(
        msg("edxml-not-well-formed", reason=message),
        line=line,
        code="malformed-xml",
    )


def parse_xml(source: bytes | BinaryIO, *, sink: AttachmentSink, limits: Limits) -> ParsedXML:
    """Parse a package's bytes (or a binary stream of them) into an element tree, safely."""
    if type(source) is bytes or isinstance(source, bytes | bytearray | memoryview):
        data = source if type(source) is bytes else bytes(source)
        if len(data) > limits.max_package_bytes:
            raise _too_large(limits.max_package_bytes)
        if len(data) <= limits.in_memory_bytes:
            return _parse_whole(data)
        return _parse_stream(_slices(data), sink=sink, limits=limits)
    head: deque[bytes] = deque()
    held = 0
    while held <= limits.in_memory_bytes:
        chunk = source.read(_FEED_CHUNK)
        if not chunk:
            return _parse_whole(b"".join(head))
        head.append(chunk)
        held += len(chunk)
    return _parse_stream(_drain(head, source), sink=sink, limits=limits)


def _slices(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), _FEED_CHUNK):
        yield view[start : start + _FEED_CHUNK].tobytes()


def _drain(head: deque[bytes], stream: BinaryIO) -> Iterator[bytes]:
    # Small chunks keep every transient copy (libxml2's buffer, the text handed to the
    # decoder, its base64 output) small; the head is let go of as it is fed.
    while head:
        yield head.popleft()
    while chunk := stream.read(_FEED_CHUNK):
        yield chunk


def _parse_whole(data: bytes) -> ParsedXML:
    if not data or data.isspace():
        raise _empty()
    root_at = _ROOT_START.search(data)
    if root_at is not None and data.find(b"<!DOCTYPE", 0, root_at.start()) >= 0:
        raise _doctype_refused()
    try:
        root = etree.fromstring(data, _tree_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from exc
    if declares_doctype(root):  # e.g. a UTF-16 prolog the scan missed
        raise _doctype_refused()
    return ParsedXML(root=root)


class _StreamTarget:
    """Builds the tree like ``etree.TreeBuilder`` but streams attachment text into decoders."""

    def __init__(self, sink: AttachmentSink, limits: Limits) -> None:
        self._builder = etree.TreeBuilder()
        self._sink = sink
        self._limits = limits
        self._path: list[str | None] = []
        self._decoder: AttachmentDecoder | None = None
        self.payloads: list[DecodedPayload] = []
        self.error: BaseException | None = None
        self._text = 0

    def doctype(self, *_: object) -> None:
        self._fail(_doctype_refused())

    def _fail(self, error: BaseException) -> None:
        # lxml calls close() after a callback raises, and close()'s own complaint would hide
        # ours: keep the first error and raise it again from close().
        if self.error is None:
            self.error = error
        raise error

    def start(self, tag: str, attrib: dict[str, str], nsmap: dict[str, str] | None = None) -> Any:
        if self._decoder is not None:
            self._fail(
                SchemaInvalid(
                    msg("edxml-encoded-not-text"),
                    element="ContentTransferEncoded",
                )
            )
        self._path.append(local_name(tag))
        if len(self._path) > self._limits.max_depth:
            self._fail(
                UnsafeXML(
                    msg("edxml-too-deep", depth=self._limits.max_depth),
                    code="xml-limit",
                )
            )
        if tuple(self._path) == ATTACHMENT_TEXT_PATH:
            if len(self.payloads) >= self._limits.max_attachments:
                self._fail(UnsafeXML(msg("edxml-too-many-attachments"), element="Attachment"))
            self._decoder = AttachmentDecoder(self._sink, self._limits)
        # lxml hands targets the default namespace under the prefix '', TreeBuilder wants None.
        namespaces = {(prefix or None): uri for prefix, uri in (nsmap or {}).items()}
        return self._builder.start(tag, attrib, namespaces)  # type: ignore[call-arg, arg-type]

    def data(self, text: str) -> None:
        if self._decoder is None:
            # Only attachments may be large; other text is held in the tree, so it is bounded.
            self._text += len(text)
            if self._text > self._limits.max_text_bytes:
                self._fail(
                    UnsafeXML(
                        msg("edxml-text-too-large"),
                        code="text-too-large",
                    )
                )
            self._builder.data(text)
            return
        try:
            self._decoder.feed(text)
        except BaseException as exc:
            self._fail(exc)

    def end(self, tag: str) -> Any:
        if self._decoder is not None:
            try:
                self.payloads.append(self._decoder.close())
            except BaseException as exc:
                self._fail(exc)
            self._decoder = None
        self._path.pop()
        return self._builder.end(tag)

    def comment(self, text: str) -> None:
        pass

    def pi(self, target: str, data: str | None = None) -> None:
        pass

    def close(self) -> etree._Element:
        if self.error is not None:
            raise self.error
        return self._builder.close()

    def abort(self) -> None:
        if self._decoder is not None:
            self._decoder.abort()
        for payload in self.payloads:
            if payload.spool is not None:
                payload.spool.close()


def _parse_stream(chunks: Iterator[bytes], *, sink: AttachmentSink, limits: Limits) -> ParsedXML:
    target = _StreamTarget(sink, limits)
    parser = etree.XMLParser(target=target, **_parser_options())  # type: ignore[arg-type]
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > limits.max_package_bytes:
                raise _too_large(limits.max_package_bytes)
            parser.feed(chunk)
        if total == 0:
            raise _empty()
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        target.abort()
        if target.error is not None:
            raise target.error from None
        raise _syntax_error(exc, exc.error_log) from exc
    except BaseException:
        target.abort()
        if target.error is not None:
            raise target.error from None
        raise
    return ParsedXML(root=root, payloads=target.payloads, lines=False)
