"""A document's path and timing: what the package carries, what each hop records, and the
trace assembled from a node's store (``lienthong node trace``).

The package's XML-DSig signature (enveloped, ``Reference URI=""``) covers the whole package, so
no node may add anything to a signed package. Hence three records, each made where it can be:

- **In the package** (EDXML.md §2, ``TraceHeaderList``): when the node signs a submission that
  came unsigned it first adds its own ``TraceHeader``: ``OrganId`` the subtree rule by which it
  serves the sender (the connection point), ``Timestamp`` when it accepted the package (the
  first acceptance, for a resubmission: the same package then signs to the same bytes and is
  recognised as a repeat). A package signed by the agency's own software keeps its headers.
- **On each hop**: the sending node names the message and its sending time in the
  ``Lienthong-Trace`` header of the delivery; the receiving node adds whom it came from (the
  node whose TLS certificate the connection presented, not a claim) and records the hop as the
  note of its ``package-in`` log entry, whose time is its own receive time: hash-chained.
- **In the receipts**: signed by the receiving node with its time, kept by the sender.

So receipts and logs prove the path; ``_trace_view.document_trace`` reads them back.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Final

from lxml import etree

from lienthong.directory import Configuration, pem_fingerprint
from lienthong.edxml import (
    DocumentPackage,
    Namespace,
    Package,
    format_timestamp,
)
from lienthong.errors import LienthongError
from lienthong.evidence import canonical_json
from lienthong.node._ids import message_id_of
from lienthong.node._node import Node
from lienthong.node._package import PackageSource
from lienthong.node._transport import DeliveryRequest
from lienthong.store import NodeStore

#: The delivery header carrying the sender's hop record (``_wire`` names the others).
TRACE_HEADER: Final = "Lienthong-Trace"
#: A header longer than this is no hop record of ours: ignored.
_MAX_HEADER = 512
_EDXML_OR_NONE = (Namespace.EDXML, None)


# -- in the package --------------------------------------------------------------------------


def stamp(node: Node, source: PackageSource, package: Package, *, at: datetime) -> PackageSource:
    """``source`` (an unsigned submission, about to be signed) with this node's TraceHeader
    added; unchanged for a status, a package too large to hold in memory, or one whose sender
    this node cannot name a rule for."""
    if not isinstance(package, DocumentPackage) or source.data is None:
        return source
    try:
        organ = node.configuration.route(package.from_code, at=at).rule
    except LienthongError:
        return source
    if organ is None:
        return source
    with NodeStore.begin(node.database, write=False) as store:
        earlier = store.outbox(message_id=message_id_of(package))
    accepted = earlier[0].created_at if earlier else at
    stamped = add_trace_header(source.data, organ_id=organ, timestamp=accepted)
    return source if stamped is None else PackageSource.of_bytes(stamped)


def _is(element: etree._Element, local: str) -> bool:
    if not isinstance(element.tag, str):
        return False
    name = etree.QName(element)
    return name.localname == local and name.namespace in _EDXML_OR_NONE


def _child(element: etree._Element, local: str) -> etree._Element | None:
    return next((c for c in element if _is(c, local)), None)


def _same_hop(last: etree._Element, organ_id: str, hop: etree._Element) -> bool:
    def text(element: etree._Element, local: str) -> str:
        found = _child(element, local)
        return (found.text or "").strip() if found is not None else ""

    return text(last, "OrganId") == organ_id and text(last, "Timestamp") == text(hop, "Timestamp")


def add_trace_header(data: bytes, *, organ_id: str, timestamp: datetime) -> bytes | None:
    """The unsigned package ``data`` with one more ``TraceHeader`` after those it has (a
    ``TraceHeaderList`` made after ``MessageHeader`` if it has none); None when ``data`` has no
    ``edXMLEnvelope/edXMLHeader/MessageHeader`` (the checks before refuse such a package)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser=parser)
    envelope = _child(root, "edXMLEnvelope")
    header = _child(envelope, "edXMLHeader") if envelope is not None else None
    message = _child(header, "MessageHeader") if header is not None else None
    if header is None or message is None:
        return None
    namespace = etree.QName(message).namespace
    tag = (lambda local: f"{{{namespace}}}{local}") if namespace else (lambda local: local)
    trace_list = _child(header, "TraceHeaderList")
    if trace_list is None:
        trace_list = etree.Element(tag("TraceHeaderList"))
        message.addnext(trace_list)
    hops = [c for c in trace_list if _is(c, "TraceHeader")]
    hop = etree.Element(tag("TraceHeader"))
    etree.SubElement(hop, tag("OrganId")).text = organ_id
    etree.SubElement(hop, tag("Timestamp")).text = format_timestamp(timestamp)
    if hops and _same_hop(hops[-1], organ_id, hop):
        # The software composed for this very rule at this very second (a node's own compose):
        # a second identical header would say nothing more.
        return data
    if hops:
        hops[-1].addnext(hop)
    else:
        trace_list.insert(0, hop)
    body: bytes = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body


# -- on each hop ---------------------------------------------------------------------------


def hop_header(*requests: DeliveryRequest) -> str:
    """What the sending node says of a delivery: when it sends it, and the message (one
    request; a batch's packages each name themselves)."""
    claim: dict[str, Any] = {"v": 1, "sent_at": requests[0].at.astimezone(UTC).isoformat()}
    if len(requests) == 1:
        claim["message_id"] = requests[0].message_id
    return canonical_json(claim).decode("ascii")


def _node_named(configuration: Configuration, certificate: bytes | None) -> str | None:
    if certificate is None:
        return None
    presented = hashlib.sha256(certificate).hexdigest()
    for entry in configuration.content.nodes:
        if any(pem_fingerprint(pem) == presented for pem in entry.tls_pems):
            return entry.name
    return None


def _claimed(header: str | None) -> dict[str, Any]:
    """The sender's hop record, if it is one: untrusted, so only known fields of known shapes."""
    if not header or len(header) > _MAX_HEADER:
        return {}
    try:
        claim = json.loads(header)
        sent = datetime.fromisoformat(str(claim["sent_at"]))
        message_id = str(claim.get("message_id", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}
    if sent.tzinfo is None:
        return {}
    found = {"sent_at": sent.astimezone(UTC).isoformat()}
    if len(message_id) == 64:
        found["message_id"] = message_id
    return found


def hop_note(node: Node, header: str | None, certificate: bytes | None) -> str:
    """The receiver's record of a hop for its log: the sending node named by the DER TLS
    ``certificate`` the connection presented, and what the ``header`` claims."""
    record: dict[str, Any] = {"hop": 1, "from_node": _node_named(node.configuration, certificate)}
    record.update(_claimed(header))
    return canonical_json(record).decode("utf-8")
