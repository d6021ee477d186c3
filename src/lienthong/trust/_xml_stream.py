"""A safe streaming XML reader for packages of any size: expat events with namespaces resolved.

The edXML parser's policy holds here too: a document type declaration is refused on sight (so no
entity can be declared, expanded or fetched), nesting is bounded like libxml2's (256 levels),
and no single token (a start tag, a comment, a processing instruction) may grow past what
libxml2 accepts without ``huge_tree``. Character data is the exception, on purpose: it reaches
the handlers in pieces of at most ``TEXT_PIECE`` characters, so an attachment's base64 text,
one text node of a gigabyte, is never held whole.

Namespace declarations are checked as canonicalisation needs them: a namespace name must be an
absolute URI (C14N refuses relative ones, and libxml2 refuses ill-formed ones when it parses).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Final, Protocol
from xml.parsers import expat

from lienthong._i18n import Message, msg
from lienthong.edxml import DEFAULT_LIMITS
from lienthong.errors import MalformedXML, UnsafeXML
from lienthong.trust._xml import doctype_refused

#: Characters of text handed over at once (expat coalesces text up to this many).
TEXT_PIECE: Final = 1 << 20
#: Bytes fed to expat at once.
_FEED: Final = 1 << 20
#: libxml2's XML_MAX_TEXT_LENGTH: its bound on one name, attribute value, comment or PI.
MAX_TOKEN: Final = 10_000_000
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
_SEP: Final = "\x01"  # cannot occur in XML names or namespace names
_NOTHING: Final[list[tuple[str, str | None]]] = []  # no declarations to undo (never changed)
#: The versions libxml2 reads (XML 1.0 and later 1.x).
_VERSION: Final = re.compile(r"1\.[0-9]+")

_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_HOST = r"""(?:\[[^\]"]*\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)"""
_USER = r"(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*@)?"
#: RFC 3986 absolute URI (with an optional fragment), as libxml2 checks namespace names.
_ABSOLUTE_URI: Final = re.compile(
    rf"[A-Za-z][A-Za-z0-9+.\-]*:"
    rf"(?://{_USER}{_HOST}(?::[0-9]+)?(?:/{_PCHAR}*)*|(?!//)(?:{_PCHAR}|/)*)"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?\[\]])*)?"
)


@dataclass(slots=True)
class Tag:
    """One element as the document wrote it: prefix, local name, namespace, declarations."""

    prefix: str  # "" when unprefixed
    local: str
    uri: str  # "" when in no namespace
    #: Namespace declarations on this element, in document order: (prefix or "", URI or "").
    declared: list[tuple[str, str]]
    #: Attributes in document order: (prefix or "", local name, URI or "", value).
    attributes: list[tuple[str, str, str, str]]
    #: 1 for the root element.
    depth: int
    #: Position of the element in document order, the root being 0.
    serial: int

    @property
    def qname(self) -> str:
        return f"{self.prefix}:{self.local}" if self.prefix else self.local


class Events(Protocol):
    """What a reader tells: the document's content in order (no XML declaration, no DTD)."""

    def start(self, tag: Tag) -> None: ...

    def end(self, tag: Tag) -> None: ...

    def text(self, data: str) -> None:
        """Character data inside the root element, in pieces (CDATA sections included)."""

    def cdata(self) -> None:
        """A CDATA section starts (an empty one still gives its element content)."""

    def comment(self, data: str, depth: int, /) -> None:
        """A comment; ``depth`` 0 when it is outside the root element."""

    def pi(self, target: str, data: str | None, depth: int, /) -> None:
        """A processing instruction (``data`` None when nothing, not even a blank, follows the
        target); ``depth`` 0 when it is outside the root element."""


def _split(name: str) -> tuple[str, str, str]:
    """(prefix, local, uri) from expat's ``uri SEP local [SEP prefix]``."""
    if _SEP not in name:
        return "", name, ""
    parts = name.split(_SEP)
    if len(parts) == 1:
        return "", name, ""
    if len(parts) == 2:
        return "", parts[1], parts[0]
    return parts[2], parts[1], parts[0]


def _malformed(reason: Message | str, line: int | None = None) -> MalformedXML:
    return MalformedXML(msg("trust-not-xml", reason=reason), line=line)


def _declaration(version: str | None, _encoding: str | None, _standalone: int) -> None:
    # Expat takes any version; libxml2 (the in-memory path) only XML 1.x: refuse alike.
    if version is not None and _VERSION.fullmatch(version) is None:
        raise _malformed(msg("trust-xml-version", version=version), 1)


class Reader:
    """Reads one document from a binary stream and tells every handler, in order.

    One reader reads one document; ``in_scope`` is live, for handlers that need it.
    """

    def __init__(self, *, max_depth: int = DEFAULT_LIMITS.max_depth, max_token: int = MAX_TOKEN) -> None:
        self._handlers: tuple[Events, ...] = ()
        self._max_depth = max_depth
        self._max_token = max_token
        #: Namespaces in scope at the current point: prefix ("" for the default) → URI.
        self.in_scope: dict[str, str] = {"xml": XML_NS}
        self._undo: list[list[tuple[str, str | None]]] = []
        self._pending: list[tuple[str, str]] = []
        self._open: list[Tag] = []
        self._serial = 0
        self._events = 0
        self._expat: expat.XMLParserType | None = None
        # The last two chunks fed (offset, bytes): to tell <?pi?> from <?pi ?>, see _pi.
        self._recent: tuple[tuple[int, bytes], tuple[int, bytes]] = ((0, b""), (0, b""))

    @property
    def depth(self) -> int:
        return len(self._open)

    @property
    def offset(self) -> int:
        """Where the current event starts, in bytes from where reading started."""
        assert self._expat is not None
        return self._expat.CurrentByteIndex

    def read(self, source: BinaryIO, handlers: Sequence[Events]) -> int:
        """Read ``source`` from where it stands to its end; the number of bytes read.

        Raises ``MalformedXML`` for input that is not well-formed XML and ``UnsafeXML`` for a
        DTD, an entity, or nesting or a token beyond the bounds.
        """
        self._handlers = tuple(handlers)
        parser = self._expat = self._parser()
        total = stalled = 0
        try:
            while chunk := source.read(_FEED):
                self._recent = (self._recent[1], (total, chunk))
                total += len(chunk)
                before = self._events
                parser.Parse(chunk, False)
                # A token expat is still collecting (no event since the last feed) is bounded.
                stalled = stalled + len(chunk) if self._events == before else 0
                if stalled > self._max_token:
                    raise UnsafeXML(
                        msg("trust-xml-token-too-long", limit=self._max_token),
                        code="xml-limit",
                    )
            if total == 0:
                raise MalformedXML(msg("trust-file-empty"), code="empty")
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            message = expat.ErrorString(exc.code)
            if "entity" in message:
                raise UnsafeXML(
                    msg("trust-xml-entity", reason=message),
                    line=exc.lineno,
                    code="entity-forbidden",
                ) from None
            raise _malformed(message, exc.lineno) from None
        except LookupError as exc:  # an encoding Python does not know: libxml2 refuses it too
            raise _malformed(str(exc), 1) from None
        return total

    def _parser(self) -> expat.XMLParserType:
        parser = expat.ParserCreate(namespace_separator=_SEP)
        parser.namespace_prefixes = True
        parser.ordered_attributes = True
        parser.buffer_text = True
        parser.buffer_size = TEXT_PIECE
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.XmlDeclHandler = _declaration
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartNamespaceDeclHandler = self._namespace
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartCdataSectionHandler = self._cdata
        parser.CommentHandler = self._comment
        parser.ProcessingInstructionHandler = self._pi
        return parser

    def _doctype(self, *_: object) -> None:
        raise doctype_refused()

    def _namespace(self, prefix: str | None, uri: str | None) -> None:
        uri = uri or ""
        if uri and _ABSOLUTE_URI.fullmatch(uri) is None:
            raise _malformed(msg("trust-namespace-not-absolute", uri=repr(uri)))
        if prefix == "xml":
            return  # expat checked it binds the XML namespace; libxml2 drops the declaration
        self._pending.append((prefix or "", uri))

    def _start(self, name: str, flat: list[str]) -> None:
        self._events += 1
        if len(self._open) >= self._max_depth:
            raise UnsafeXML(
                msg("trust-xml-too-deep", depth=self._max_depth),
                code="xml-limit",
            )
        prefix, local, uri = _split(name)
        attributes = [(*_split(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)] if flat else []
        declared = self._pending
        if declared:
            self._pending = []
            undo: list[tuple[str, str | None]] = []
            for ns_prefix, ns_uri in declared:
                undo.append((ns_prefix, self.in_scope.get(ns_prefix)))
                if ns_uri:
                    self.in_scope[ns_prefix] = ns_uri
                else:
                    self.in_scope.pop(ns_prefix, None)
            self._undo.append(undo)
        else:
            declared = []  # a list of its own: handlers may keep the tag
            self._undo.append(_NOTHING)
        tag = Tag(prefix, local, uri, declared, attributes, len(self._open) + 1, self._serial)
        self._serial += 1
        self._open.append(tag)
        for handler in self._handlers:
            handler.start(tag)

    def _end(self, _name: str) -> None:
        self._events += 1
        tag = self._open.pop()
        for handler in self._handlers:
            handler.end(tag)
        for prefix, previous in reversed(self._undo.pop()):
            if previous is None:
                self.in_scope.pop(prefix, None)
            else:
                self.in_scope[prefix] = previous

    def _text(self, data: str) -> None:
        self._events += 1
        if self._open:
            for handler in self._handlers:
                handler.text(data)

    def _cdata(self) -> None:
        self._events += 1
        for handler in self._handlers:
            handler.cdata()

    def _comment(self, data: str) -> None:
        self._events += 1
        for handler in self._handlers:
            handler.comment(data, len(self._open))

    def _pi(self, target: str, data: str) -> None:
        self._events += 1
        content: str | None = data
        if not data:
            # libxml2 keeps "<?pi ?>" (empty content) apart from "<?pi?>" (none) and writes
            # them back so; expat gives "" for both, so the byte after the target tells.
            assert self._expat is not None
            after = self._expat.CurrentByteIndex + 2 + len(target.encode())
            content = "" if self._byte_at(after) in b" \t\r\n" else None
        for handler in self._handlers:
            handler.pi(target, content, len(self._open))

    def _byte_at(self, offset: int) -> bytes:
        for start, chunk in self._recent:
            if start <= offset < start + len(chunk):
                return chunk[offset - start : offset - start + 1]
        return b" "  # beyond two chunks of blanks: content, empty
