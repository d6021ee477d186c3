"""lxml parsing and lookups for signatures: a safe parser, and elements found by local name.

edXML writers differ in prefixes and in whether children carry the namespace, so elements are
matched by local name in the edXML namespace or in none (EDXML.md §2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from lienthong._i18n import msg
from lienthong.errors import MalformedXML, PackageRejected, UnsafeXML
from lienthong.trust._constants import Namespace

_EDXML_CLARK = "{" + Namespace.EDXML + "}"
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def safe_parser() -> etree.XMLParser:
    """No entities, no DTD loading, no network: what a verifier of untrusted input needs."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
    )


def doctype_refused() -> UnsafeXML:
    """The edXML parser's policy: a DTD is refused on sight, harmless or not."""
    return UnsafeXML(
        msg("trust-dtd-forbidden"),
        code="dtd-forbidden",
    )


# lxml parsers are not thread-safe to share across threads, but are cheap to reuse within one;
# the package functions run in worker threads, so each gets its own via a small per-call parser.
def parse(data: bytes) -> etree._ElementTree:
    """Parse bytes exactly as received (no re-encoding); raises ``etree.XMLSyntaxError``, or
    ``UnsafeXML`` for a document type declaration."""
    root_at = _ROOT_START.search(data)
    if root_at is not None and b"<!DOCTYPE" in data[: root_at.start()]:
        raise doctype_refused()
    tree = etree.fromstring(data, parser=safe_parser()).getroottree()
    if tree.docinfo.internalDTD is not None:  # a prolog the scan missed (UTF-16, say)
        raise doctype_refused()
    return tree


def not_xml(exc: etree.XMLSyntaxError | etree.C14NError) -> PackageRejected:
    """What a libxml2 parse or canonicalisation error means for a package being signed."""
    message = str(exc)
    if "depth" in message.lower():
        return UnsafeXML(msg("trust-xml-too-deep", depth=256), code="xml-limit")
    if isinstance(exc, etree.C14NError):
        return MalformedXML(msg("trust-c14n-namespace"))
    return MalformedXML(msg("trust-not-xml", reason=message))


def is_edxml(element: etree._Element, local: str) -> bool:
    # Compared as lxml's "{namespace}local" text: an etree.QName per element costs more than
    # the rest of a look-up.
    tag = element.tag
    if not isinstance(tag, str):
        return False
    return tag == local or tag == _EDXML_CLARK + local


def children(element: etree._Element, local: str) -> Iterator[etree._Element]:
    for child in element:
        if is_edxml(child, local):
            yield child


def find_path(element: etree._Element, *locals_: str) -> etree._Element | None:
    """The first descendant along a path of edXML local names, or None."""
    current: etree._Element | None = element
    for local in locals_:
        if current is None:
            return None
        current = next(children(current, local), None)
    return current


def header(root: etree._Element) -> etree._Element | None:
    """``edXMLEnvelope/edXMLHeader`` under the root."""
    return find_path(root, "edXMLEnvelope", "edXMLHeader")


def sender_code(root: etree._Element) -> str | None:
    """``MessageHeader/From/OrganId`` of the package, stripped, or None."""
    head = header(root)
    if head is None:
        return None
    organ = find_path(head, "MessageHeader", "From", "OrganId")
    if organ is None or organ.text is None:
        return None
    return organ.text.strip() or None


def signatures(root: etree._Element) -> list[etree._Element]:
    """Every ``ds:Signature`` element of the document."""
    return list(root.iter(f"{{{Namespace.DS}}}Signature"))
