"""What the signature recipes look for in a streamed package, found as it streams by.

The same places ``_xml`` finds in a tree, with the same rules (edXML elements matched by local
name in the edXML namespace or none, the first match at each step): ``edXMLEnvelope/
edXMLHeader``, ``MessageHeader/From/OrganId`` under it, and the ``ds:Signature`` elements.
``SignatureCapture`` keeps the first signature's subtree, which is small, as XML bytes with
every namespace its ancestors declared, for lxml to read.
"""

from __future__ import annotations

import io
from typing import Final

from lienthong._i18n import msg
from lienthong.errors import UnsafeXML
from lienthong.trust._constants import Namespace
from lienthong.trust._serialize_stream import Serializer
from lienthong.trust._xml_stream import Tag

#: Local names from the root down to the sender's code; levels 1 and 2 lead to the header.
_PATH: Final = ("edXMLEnvelope", "edXMLHeader", "MessageHeader", "From", "OrganId")
_HEADER_LEVEL: Final = 2
_ORGAN_LEVEL: Final = len(_PATH)
_EDXML_OR_NONE: Final = (Namespace.EDXML, "")
#: ``OrganId`` text kept; a code is 13 characters, padding included this is plenty.
_MAX_SENDER: Final = 4096
#: A signature with its certificates is a few kilobytes.
MAX_SIGNATURE_BYTES: Final = 4 << 20


def is_signature(tag: Tag) -> bool:
    return tag.local == "Signature" and tag.uri == Namespace.DS


class Landmarks:
    """Reader events in; the header, the sender's code and the signatures' count and place."""

    def __init__(self) -> None:
        #: The root, then each element of the path found so far (envelope, header, ...).
        self.chain: list[Tag] = []
        self._on_path = 0  # how many open elements are on the path (they are the outermost)
        #: How many ``ds:Signature`` elements the document holds.
        self.signatures = 0
        #: Whether the first of them is a child of the header.
        self.first_signature_in_header = False
        self._sender: list[str] | None = None  # OrganId text being gathered
        self._sender_text: str | None = None
        self._sender_held = 0

    @property
    def header(self) -> Tag | None:
        return self.chain[_HEADER_LEVEL] if len(self.chain) > _HEADER_LEVEL else None

    @property
    def sender_code(self) -> str | None:
        """``From/OrganId`` text before its first child, stripped, as ``_xml.sender_code``."""
        if self._sender is not None:
            self._finish_sender()
        if self._sender_text is None:
            return None
        return self._sender_text.strip() or None

    def _finish_sender(self) -> None:
        assert self._sender is not None
        self._sender_text = "".join(self._sender) if self._sender else None
        self._sender = None

    def start(self, tag: Tag) -> None:
        if self._sender is not None:
            self._finish_sender()  # a child ends the element's own text, as lxml's .text
        if is_signature(tag):
            if self.signatures == 0:
                self.first_signature_in_header = self._on_path == _HEADER_LEVEL + 1 == tag.depth - 1
            self.signatures += 1
        level = tag.depth - 1
        # Only the next element of the path matters; below its last element nothing does.
        if self._on_path != level or len(self.chain) != level or level > len(_PATH):
            return
        if level == 0 or (tag.local == _PATH[level - 1] and tag.uri in _EDXML_OR_NONE):
            self.chain.append(tag)
            self._on_path = tag.depth
            if level == _ORGAN_LEVEL:
                self._sender = []

    def end(self, tag: Tag) -> None:
        if self._on_path == tag.depth:
            self._on_path -= 1
            if self._sender is not None:
                self._finish_sender()

    def text(self, data: str) -> None:
        if self._sender is not None and self._sender_held < _MAX_SENDER:
            self._sender.append(data[: _MAX_SENDER - self._sender_held])
            self._sender_held += len(data)

    def cdata(self) -> None:
        pass

    def comment(self, _data: str, _depth: int) -> None:
        if self._sender is not None:
            self._finish_sender()

    def pi(self, _target: str, _data: str | None, _depth: int) -> None:
        if self._sender is not None:
            self._finish_sender()


class SignatureCapture:
    """Keeps the first ``ds:Signature`` subtree."""

    def __init__(self, in_scope: dict[str, str]) -> None:
        self._in_scope = in_scope  # the reader's live map
        self._buffer: io.BytesIO | None = None
        self._writer: Serializer | None = None
        self._depth = 0
        #: The subtree as XML, once read.
        self.xml: bytes | None = None

    def _bounded(self) -> Serializer | None:
        if self._buffer is not None and self._buffer.tell() > MAX_SIGNATURE_BYTES:
            raise UnsafeXML(
                msg("trust-signature-too-large", limit=MAX_SIGNATURE_BYTES),
                code="xml-limit",
            )
        return self._writer

    def start(self, tag: Tag) -> None:
        if self._writer is None and self.xml is None and is_signature(tag):
            self._buffer = io.BytesIO()
            self._writer = Serializer(self._buffer, extra_namespaces=dict(self._in_scope))
            self._depth = tag.depth
        if writer := self._bounded():
            writer.start(tag)

    def end(self, tag: Tag) -> None:
        if self._writer is None or self._buffer is None:
            return
        self._writer.end(tag)
        if tag.depth == self._depth:
            self._writer.flush()
            self.xml = self._buffer.getvalue()
            self._writer = self._buffer = None

    def text(self, data: str) -> None:
        if writer := self._bounded():
            writer.text(data)

    def cdata(self) -> None:
        if self._writer is not None:
            self._writer.cdata()

    def comment(self, data: str, depth: int) -> None:
        if self._writer is not None:
            self._writer.comment(data, depth)

    def pi(self, target: str, data: str | None, depth: int) -> None:
        if self._writer is not None:
            self._writer.pi(target, data, depth)
