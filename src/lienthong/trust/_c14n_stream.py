"""Exclusive XML Canonicalization 1.0 (without comments) of a document as it streams by.

The handler takes a reader's events and writes the canonical form of the whole document into a
hash, never into memory; with ``omit_signatures`` it applies the enveloped-signature transform
first, leaving every ``ds:Signature`` element (and what it holds) out. The result is the one
libxml2 gives for ``etree.tostring(tree, method="c14n", exclusive=True)``, which the tests check.

Namespace rendering, after the recommendation: a declaration is output on an element that
visibly uses its prefix (its own prefix, its attributes' prefixes) or whose prefix is in the
InclusiveNamespaces PrefixList, unless the nearest output ancestor already rendered the same
prefix with the same URI; an unprefixed element in no namespace gets ``xmlns=""`` only when a
non-empty default was rendered above it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Protocol

from lienthong.trust._constants import Namespace
from lienthong.trust._xml_stream import Tag

#: Characters gathered before they are encoded and handed on.
FLUSH: Final = 1 << 16
_ATTR_SPECIAL: Final = '&<"\t\n\r'
_TEXT_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTR_ESCAPES: Final = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"}
)


class Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...


def escape_text(data: str) -> str:
    # "in" scans at memory speed where a regular expression crawls (base64 text is big).
    special = "&" in data or "<" in data or ">" in data or "\r" in data
    return data.translate(_TEXT_ESCAPES) if special else data


def escape_attribute(data: str) -> str:
    return data.translate(_ATTR_ESCAPES) if any(c in data for c in _ATTR_SPECIAL) else data


class Utf8Output:
    """Strings gathered and handed on as UTF-8 in large pieces (to a hash's ``update``, a
    file's ``write``): one call per 64 Ki characters, not one per event."""

    def __init__(self, sink: Callable[[bytes], object]) -> None:
        self._sink = sink
        self._parts: list[str] = []
        self._held = 0

    def write(self, data: str) -> None:
        self._parts.append(data)
        self._held += len(data)
        if self._held >= FLUSH:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._sink("".join(self._parts).encode("utf-8"))
            self._parts.clear()
            self._held = 0


class ExclusiveC14N:
    """Reader events in, the exclusive canonical form of the document out (to a hash)."""

    def __init__(self, sink: Hash, *, prefixes: tuple[str, ...] = (), omit_signatures: bool = False) -> None:
        self._out = Utf8Output(sink.update)
        self._inclusive = tuple(p for p in prefixes if p != "xml")
        self._omit = omit_signatures
        self._skipping = 0  # depth inside an omitted signature
        self._rendered: dict[str, str] = {}
        self._stack: list[dict[str, str]] = []
        self._in_scope: dict[str, str] = {}
        self._scope_stack: list[dict[str, str]] = []
        self._after_root = False

    def close(self) -> None:
        """Hand the last of the output over; call once the reader is done."""
        self._out.flush()

    def start(self, tag: Tag) -> None:
        if self._skipping:
            self._skipping += 1
            return
        if self._omit and tag.local == "Signature" and tag.uri == Namespace.DS:
            self._skipping = 1
            return
        rendered = self._rendered
        self._stack.append(rendered)
        if self._inclusive:
            self._scope_stack.append(self._in_scope)
            if tag.declared:
                self._in_scope = {**self._in_scope, **dict(tag.declared)}
        elif not tag.attributes and rendered.get(tag.prefix, "") == tag.uri:
            self._out.write(f"<{tag.qname}>")  # the common case: nothing to declare
            return
        needed = {tag.prefix: tag.uri}
        for prefix, _local, uri, _value in tag.attributes:
            if prefix:
                needed[prefix] = uri
        for prefix in self._inclusive:
            if uri := self._in_scope.get(prefix, ""):
                needed[prefix] = uri
        needed.pop("xml", None)
        new = sorted((p, u) for p, u in needed.items() if rendered.get(p, "") != u)
        parts = ["<", tag.qname]
        if new:
            self._rendered = {**rendered, **dict(new)}
            for prefix, uri in new:
                # libxml2 (so lxml and xmlsec1) writes namespace URIs unescaped: "&" stays "&".
                # Digests must agree with theirs; the reader admits no URI with '"' or "<".
                parts.append(f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"')
        for prefix, local, _uri, value in sorted(tag.attributes, key=lambda a: (a[2], a[1])):
            parts.append(f' {prefix}:{local}="' if prefix else f' {local}="')
            parts.append(escape_attribute(value))
            parts.append('"')
        parts.append(">")
        self._out.write("".join(parts))

    def end(self, tag: Tag) -> None:
        if self._skipping:
            self._skipping -= 1
            return
        self._rendered = self._stack.pop()
        if self._inclusive:
            self._in_scope = self._scope_stack.pop()
        self._out.write(f"</{tag.qname}>")
        if tag.depth == 1:
            self._after_root = True

    def text(self, data: str) -> None:
        if not self._skipping:
            self._out.write(escape_text(data))

    def cdata(self) -> None:
        pass

    def comment(self, data: str, depth: int) -> None:
        pass  # canonical XML without comments

    def pi(self, target: str, data: str | None, depth: int) -> None:
        if self._skipping:
            return
        body = f"<?{target} {data}?>" if data else f"<?{target}?>"
        if depth:
            self._out.write(body)
        elif self._after_root:
            self._out.write("\n" + body)
        else:
            self._out.write(body + "\n")
