"""Our XML Schema of the canonical form, shipped with the package.

The schema describes what our writer emits, element order included; it is what a vendor can
validate its own output against. Reading is more forgiving (any order, either spelling, vendor
elements), so the parser and ``check_package`` decide whether a package is acceptable, and the
schema whether it is in canonical form.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from lxml import etree

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
    parsed = parse_xml(data, sink=DigestSink(), limits=DEFAULT_LIMITS)
    checker = schema()
    if checker.validate(parsed.root.getroottree()):
        return
    log: Any = checker.error_log  # lxml-stubs leave _ErrorLog empty
    entry = log[0]
    raise SchemaInvalid(entry.message, line=entry.line or None, code="schema")
