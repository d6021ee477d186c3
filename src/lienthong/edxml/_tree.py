"""A package's element tree as nested dicts of local names: the reader's single pass over lxml.

Touching an lxml element from Python costs a proxy object, so the tree is walked once, here,
into plain dicts (name → value); the reader then works on those. A leaf's value is its
stripped text (or None); an element with children is a dict; a name that occurs more than once
maps to a ``Many`` list of the values in document order. Children in other
namespaces are not descended into; their presence is marked under ``FOREIGN`` so the reader can
go back to the elements when it needs them (vendor elements, the XML signature).

``to_node`` is the compiled walk of ``_ctree.pyx`` when the extension is built, which reads
libxml2's nodes without making proxies; ``py_to_node``, the same walk in Python, otherwise.
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from lienthong.edxml._namespaces import Namespace

__all__ = [
    "FOREIGN",
    "Many",
    "Node",
    "declares_doctype",
    "local_name",
    "locate",
    "py_declares_doctype",
    "py_to_node",
    "source_line",
    "to_node",
]

Node = dict[str, Any]


class Many(list[Any]):
    """The values of a name that occurs more than once under one parent."""


#: Key under which a node records that it had children in another namespace.
FOREIGN: Final = "\x00foreign"

_PREFIX: Final = "{" + Namespace.EDXML + "}"
_PREFIX_LENGTH: Final = len(_PREFIX)
_CACHE_LIMIT: Final = 4096
_names: dict[str, str | None] = {}


def _local(tag: str) -> str | None:
    if tag.startswith(_PREFIX):
        name: str | None = tag[_PREFIX_LENGTH:]
    elif tag.startswith("{"):
        name = None
    else:
        name = tag
    if len(_names) < _CACHE_LIMIT:  # bounded: hostile packages cannot grow it without end
        _names[tag] = name
    return name


def local_name(tag: object) -> str | None:
    """The local name of a tag in the edXML namespace or in none; None otherwise."""
    if not isinstance(tag, str):
        return None  # comments and processing instructions
    name = _names.get(tag, False)
    return _local(tag) if name is False else name  # type: ignore[return-value]


def py_to_node(element: etree._Element) -> Node:
    """The element's children as a dict of local names (recursively); ``to_node`` in Python."""
    node: Node = {}
    names = _names
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = names[tag] if tag in names else _local(tag)
        if name is None:
            node[FOREIGN] = True
            continue
        if len(child):
            value: Any = py_to_node(child)
        else:
            text = child.text
            value = (text.strip() or None) if text is not None else None
        if name not in node:
            node[name] = value
        else:
            values = node[name]
            if values.__class__ is Many:
                values.append(value)
            else:
                node[name] = Many((values, value))
    return node


def py_declares_doctype(element: etree._Element) -> bool:
    """Whether the element's document declared a document type; ``declares_doctype`` in Python."""
    docinfo = element.getroottree().docinfo
    return bool(getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None)


try:  # the same compiled (_ctree.pyx), when the package was built with its extension
    from lienthong.edxml import _ctree
except ImportError:  # pragma: no cover - a build without a C compiler
    to_node, declares_doctype = py_to_node, py_declares_doctype
else:
    # It reads libxml2's structures as the lxml it was compiled against lays them out: another
    # lxml (an upgrade without a rebuild) gets the Python walk, never a misread tree.
    if getattr(_ctree, "BUILT_WITH_LXML", None) == etree.__version__:
        to_node, declares_doctype = _ctree.to_node, _ctree.declares_doctype
    else:  # pragma: no cover - depends on the installed build
        to_node, declares_doctype = py_to_node, py_declares_doctype


def source_line(element: etree._Element | None) -> int | None:
    """The element's line in the package, where the parser recorded one."""
    line = element.sourceline if element is not None else None
    return line if isinstance(line, int) else None


def locate(root: etree._Element, path: tuple[str, ...]) -> etree._Element | None:
    """The first element along ``path`` of local names below ``root``, as deep as it exists."""
    element = root
    for name in path:
        for child in element:
            if local_name(child.tag) == name:
                element = child
                break
        else:
            return element
    return element
