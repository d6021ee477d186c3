"""Our XML Schema of the canonical form, shipped with the package.

The schema describes what our writer emits, element order included; it is what a vendor can
validate its own output against. Reading is more forgiving (any order, either spelling, vendor
elements), so the parser and ``check_package`` decide whether a package is acceptable, and the
schema whether it is in canonical form.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lxml import etree

from lienthong._i18n import msg
from lienthong.edxml._content import DigestSink
from lienthong.edxml._limits import DEFAULT_LIMITS
from lienthong.edxml._xml import parse_xml
from lienthong.errors import SchemaInvalid


@functools.cache
def schema() -> etree.XMLSchema:
    """The schema, loaded once."""
    source = resources.files("lienthong.edxml") / "schema" / "edxml.xsd"
    with resources.as_file(source) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def validate_schema(data: bytes) -> None:
    """Raise ``SchemaInvalid`` naming the first element that departs from the canonical form."""
    problems = schema_problems(data)
    if problems:
        raise problems[0]


#: libxml2's words for a required element that is absent: before ``Element '…'``, or at the end
#: of its parent (``Missing child element(s)``); ``one of ( a, b )`` for a choice.
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ([^)]*) \)")
_NOT_EXPECTED = "This element is not expected"
_MISSING_CHILD = "Missing child element(s)"
#: Bounds the search: no package lacks more required elements than the schema has.
_MAX_MISSING = 64


@dataclass(frozen=True, slots=True)
class _Gap:
    """A required element found absent: where it goes, and the placeholder put there."""

    name: str
    parent: etree._Element
    placeholder: etree._Element


def schema_problems(data: bytes) -> list[SchemaInvalid]:
    """Every required element missing from the canonical form (each an error with code
    ``schema-missing``, ``element`` the missing one), then the first other departure, if any;
    empty when ``data`` is canonical.

    The schema validator stops at the first absent element of a parent, so a copy of the tree
    is filled with a placeholder for each one found and validated again, until no element
    is found missing."""
    parsed = parse_xml(data, sink=DigestSink(), limits=DEFAULT_LIMITS)
    root = copy.deepcopy(parsed.root)
    prefixes: dict[str, str] = {}
    for node in root.iter():
        prefixes.update((k, v) for k, v in node.nsmap.items() if k)
    checker = schema()
    gaps: list[_Gap] = []
    other: list[SchemaInvalid] = []
    for _ in range(_MAX_MISSING):
        tree = root.getroottree()
        if checker.validate(tree):
            break
        filled = {id(g.placeholder) for g in gaps}
        log: Any = checker.error_log  # lxml-stubs leave _ErrorLog empty
        located = [(e, _element(tree, e.path, prefixes)) for e in log]
        # Placeholders are empty: what the validator says of their content is not the package's.
        entries = [(e, el) for e, el in located if el is None or not _within(el, filled)]
        if not entries:
            break
        entry, element = entries[0]
        gap = _fill(entry.message, element)
        if gap is None:
            other.append(SchemaInvalid(entry.message, line=entry.line or None, code="schema"))
            break
        gaps.append(gap)
    return [_missing(gap) for gap in gaps] + other


def _element(tree: etree._ElementTree, path: str, prefixes: dict[str, str]) -> etree._Element | None:
    try:
        found = tree.xpath(path, namespaces=prefixes)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None


def _within(element: etree._Element, placeholders: set[int]) -> bool:
    node: etree._Element | None = element
    while node is not None:
        if id(node) in placeholders:
            return True
        node = node.getparent()
    return False


def _fill(message: str, element: etree._Element | None) -> _Gap | None:
    """Put a placeholder where ``message`` says an element is missing; None for any other error."""
    expected = _EXPECTED.search(message)
    if element is None or expected is None or not (_NOT_EXPECTED in message or _MISSING_CHILD in message):
        return None
    name = expected.group(1).split(",")[0].strip()
    placeholder = etree.Element(name)
    if _MISSING_CHILD in message:
        parent = element
        parent.append(placeholder)
    else:
        found = element.getparent()
        if found is None:
            return None
        parent = found
        element.addprevious(placeholder)
    return _Gap(name, parent, placeholder)


def _local(name: str) -> str:
    return etree.QName(name).localname


def _missing(gap: _Gap) -> SchemaInvalid:
    name, parent = _local(gap.name), _local(gap.parent.tag)
    return SchemaInvalid(
        msg("edxml-schema-missing", name=name, parent=parent),
        element=name,
        line=line if isinstance(line := gap.parent.sourceline, int) else None,
        code="schema-missing",
    )
