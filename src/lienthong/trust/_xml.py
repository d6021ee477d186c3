"""lxml parsing and lookups for signatures: a safe parser, and elements found by local name.

edXML writers differ in prefixes and in whether children carry the namespace, so elements are
matched by local name in the edXML namespace or in none (EDXML.md §2).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from lienthong.trust._constants import Namespace

_EDXML_OR_NONE = (Namespace.EDXML, None)


def safe_parser() -> etree.XMLParser:
    """No entities, no DTD loading, no network: what a verifier of untrusted input needs."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=False,
    )


# lxml parsers are not thread-safe to share across threads, but are cheap to reuse within one;
# the package functions run in worker threads, so each gets its own via a small per-call parser.
def parse(data: bytes) -> etree._ElementTree:
    """Parse bytes exactly as received (no re-encoding); raises ``etree.XMLSyntaxError``."""
    root = etree.fromstring(data, parser=safe_parser())
    return root.getroottree()


def is_edxml(element: etree._Element, local: str) -> bool:
    if not isinstance(element.tag, str):
        return False
    qname = etree.QName(element)
    return qname.localname == local and qname.namespace in _EDXML_OR_NONE


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
