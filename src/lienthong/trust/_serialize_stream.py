"""A document written back as it streams by, byte for byte as lxml (libxml2) serialises it.

``sign_package`` returns ``etree.tostring(tree)`` of the parsed package with its signature added;
the streaming signer must give the same bytes without the tree, so this writer follows libxml2's
serialiser: declarations before attributes, both in document order; ``<a/>`` for an element
with no content; ``&#13;`` for a carriage return; comments and processing instructions outside
the root with nothing between them; UTF-8 whatever the input's encoding. ``insert`` puts bytes
(the signature) just before the end tag of one element.
"""

from __future__ import annotations

from typing import Final, Protocol

from lienthong.trust._c14n_stream import FLUSH, Utf8Output
from lienthong.trust._xml_stream import Tag

_ATTR_SPECIAL: Final = '&<>"\t\n\r'
_TEXT_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def _text(data: str) -> str:
    # "in" scans at memory speed where a regular expression crawls (base64 text is big).
    special = "&" in data or "<" in data or ">" in data or "\r" in data
    return data.translate(_TEXT_ESCAPES) if special else data


def _attribute(data: str) -> str:
    return data.translate(_ATTR_ESCAPES) if any(c in data for c in _ATTR_SPECIAL) else data


class Writable(Protocol):
    """Where serialised bytes go: a binary file, or anything with ``write``."""

    def write(self, data: bytes, /) -> object: ...


class Serializer:
    """Reader events in, libxml2's serialisation out, to a binary stream."""

    def __init__(
        self,
        target: Writable,
        *,
        insert: tuple[int, bytes] | None = None,
        extra_namespaces: dict[str, str] | None = None,
    ) -> None:
        """``insert``: (serial of an element, bytes to write before its end tag).
        ``extra_namespaces``: declarations added to the first element, so that a subtree
        written alone keeps the namespaces its ancestors declared."""
        self._target = target
        self._insert = insert
        self._extra = extra_namespaces
        self._out = Utf8Output(target.write)
        self._write = self._out.write
        self.flush = self._out.flush
        self._open_tag = False  # a start tag written without its closing ">"

    def _content(self) -> None:
        if self._open_tag:
            self._write(">")
            self._open_tag = False

    def start(self, tag: Tag) -> None:
        self._content()
        parts = ["<", tag.qname]
        declared = tag.declared
        if self._extra is not None:
            own = dict(declared)
            declared = [*declared, *((p, u) for p, u in self._extra.items() if p not in own and p != "xml")]
            self._extra = None
        for prefix, uri in declared:
            parts.append(f' xmlns:{prefix}="' if prefix else ' xmlns="')
            parts.append(_attribute(uri))
            parts.append('"')
        for prefix, local, _uri, value in tag.attributes:
            parts.append(f' {prefix}:{local}="' if prefix else f' {local}="')
            parts.append(_attribute(value))
            parts.append('"')
        self._write("".join(parts))
        self._open_tag = True

    def end(self, tag: Tag) -> None:
        if self._insert is not None and tag.serial == self._insert[0]:
            self._content()
            self.flush()
            self._target.write(self._insert[1])
        if self._open_tag:
            self._write("/>")
            self._open_tag = False
        else:
            self._write(f"</{tag.qname}>")

    def text(self, data: str) -> None:
        self._content()
        if len(data) >= FLUSH:
            self.flush()
            self._target.write(_text(data).encode("utf-8"))
        else:
            self._write(_text(data))

    def cdata(self) -> None:
        self._content()

    def comment(self, data: str, _depth: int) -> None:
        self._content()
        self._write(f"<!--{data}-->")

    def pi(self, target: str, data: str | None, _depth: int) -> None:
        self._content()
        self._write(f"<?{target}?>" if data is None else f"<?{target} {data}?>")
