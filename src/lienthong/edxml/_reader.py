"""From a parsed element tree to the package model, matching elements by local name.

Elements are found by name in the edXML namespace or in none, in any order; ``Bussiness`` and
``Business`` both count; elements of other namespaces and names the standard does not have are
ignored, except in the message header, where they are kept so a relay can pass them on.
Structural problems raise ``SchemaInvalid`` naming the element and, where known, its line.

The tree is first turned into plain dicts in one pass (``_tree``, in C when built), and the
frozen values are made without their ``__init__`` (``_fastnew``). setup.py also compiles this
module, with the C types of ``_reader.pxd``, as ``_reader_c``; ``_compiled`` uses that build
only while it matches this source. With both, a small package is read in about twice the time
of libxml2's own parse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Final, TypeVar

from lxml import etree

from lienthong._i18n import Message, msg
from lienthong.edxml._content import AttachmentSink
from lienthong.edxml._dates import DateFormatError, ImpossibleDateError, read_date, read_timestamp
from lienthong.edxml._decode import decode_text, finalize
from lienthong.edxml._fastnew import fast_constructor
from lienthong.edxml._limits import Limits
from lienthong.edxml._model import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    BusinessType,
    DocumentCode,
    DocumentHeader,
    DocumentPackage,
    DocumentType,
    ManifestReference,
    Organization,
    OtherInfo,
    Package,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    VendorElement,
)
from lienthong.edxml._namespaces import Namespace
from lienthong.edxml._status import StatusCode
from lienthong.edxml._tree import FOREIGN, Many, Node, local_name, locate, source_line, to_node
from lienthong.edxml._xml import ParsedXML
from lienthong.errors import PackageInvalid, SchemaInvalid, SemanticInvalid

T = TypeVar("T")
Path = tuple[str, ...]

# The reader makes many frozen values: build them without their __init__ (see _fastnew).
_Organization = fast_constructor(Organization)
_DocumentCode = fast_constructor(DocumentCode)
_PromulgationInfo = fast_constructor(PromulgationInfo)
_DocumentType = fast_constructor(DocumentType)
_SignerInfo = fast_constructor(SignerInfo)
_OtherInfo = fast_constructor(OtherInfo)
_ResponseFor = fast_constructor(ResponseFor)
_TraceHeader = fast_constructor(TraceHeader)
_StaffInfo = fast_constructor(StaffInfo)
_Receiver = fast_constructor(Receiver)
_BusinessDocumentInfo = fast_constructor(BusinessDocumentInfo)
_ReplacementInfo = fast_constructor(ReplacementInfo)
_Business = fast_constructor(Business)
_ManifestReference = fast_constructor(ManifestReference)
_Attachment = fast_constructor(Attachment)
_VendorElement = fast_constructor(VendorElement)
_DocumentHeader = fast_constructor(DocumentHeader)
_DocumentPackage = fast_constructor(DocumentPackage)
_StatusPackage = fast_constructor(StatusPackage)

_ROOT_TAG: Final = "{" + Namespace.EDXML + "}edXML"
_DSIG_SIGNATURE: Final = "{" + Namespace.XMLDSIG + "}Signature"
_XLINK_HREF: Final = "{" + Namespace.XLINK + "}href"

_HEADER: Final = ("edXMLEnvelope", "edXMLHeader")
_MESSAGE: Final = (*_HEADER, "MessageHeader")
_TRACE: Final = (*_HEADER, "TraceHeaderList")
_MANIFEST: Final = ("edXMLEnvelope", "edXMLBody", "edXMLManifest")
_ATTACHMENT: Final = ("AttachmentEncoded", "Attachment")

#: Children of a message header that the standard names; others are vendor elements.
_DOCUMENT_HEADER_NAMES: Final = frozenset(
    {
        "From", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject",
        "Content", "SignerInfo", "DueDate", "OtherInfo", "ResponseFor", "SteeringType", "ToPlaces",
    }
)  # fmt: skip
_STATUS_HEADER_NAMES: Final = frozenset(
    {"From", "ResponseFor", "StaffInfo", "StatusCode", "Description", "Timestamp"}
)


class _Located(PackageInvalid):
    """Carrier of a problem whose line is found from its path once it reaches the top."""

    def __init__(self, error: PackageInvalid, path: Path) -> None:
        super().__init__(error.message, element=error.element, code=error.code)
        self.error = error
        self.path = path


def _fail(error: PackageInvalid, path: Path) -> _Located:
    return _Located(error, path)


def _missing(name: str, path: Path) -> _Located:
    return _fail(
        SchemaInvalid(
            msg("edxml-element-missing", name=name),
            element=name,
            code="element-missing",
        ),
        path,
    )


def _first(node: Node, name: str, path: Path) -> Any:
    value = node.get(name)
    if type(value) is Many:
        raise _fail(
            SchemaInvalid(
                msg("edxml-element-repeated", name=name),
                element=name,
                code="element-repeated",
            ),
            (*path, name),
        )
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _str(node: Node, name: str, path: Path) -> str | None:
    value = node.get(name)
    if type(value) is str:
        return value
    return _first(node, name, path) if type(value) is Many else None


def _leaves(node: Node, names: tuple[str, ...], path: Path) -> list[str | None]:
    """The texts of several single-valued children at once (the common case, kept cheap)."""
    values = [node.get(name) for name in names]
    for value in values:
        if value is not None and type(value) is not str:
            return [_str(node, name, path) for name in names]  # a repeat raises, a group is None
    return values


def _group(node: Node, name: str, path: Path) -> Node | None:
    """A child that has children of its own; an empty element gives an empty group."""
    value = node.get(name)
    if type(value) is dict:
        return value
    if type(value) is Many:
        _first(node, name, path)  # raises: repeated
    if value is None and name not in node:
        return None
    return {}


def _all(node: Node, name: str) -> list[Any]:
    value = node.get(name)
    if value is None:
        return [] if name not in node else [None]
    return value if type(value) is Many else [value]


def _groups(node: Node, name: str) -> list[Node]:
    return [value if isinstance(value, dict) else {} for value in _all(node, name)]


def _required(node: Node, name: str, path: Path) -> str:
    if name not in node:
        raise _missing(name, path)
    value = _str(node, name, path)
    if value is None:
        raise _fail(
            SchemaInvalid(
                msg("edxml-element-empty", name=name),
                element=name,
                code="element-empty",
            ),
            (*path, name),
        )
    return value


def _converted(
    node: Node, name: str, path: Path, convert: Callable[[str], T], what: tuple[Message]
) -> T | None:
    """``convert`` of a leaf's text; ``what[0]`` names the form in errors."""
    value = node.get(name)
    if type(value) is str:  # the common case first; a failure is reported below
        try:
            return convert(value)
        except ValueError:  # DateFormatError and ImpossibleDateError are ValueErrors too
            pass
    value = _str(node, name, path)
    if value is None:
        return None
    try:
        return convert(value)
    except ImpossibleDateError as exc:
        raise _fail(
            SemanticInvalid(
                msg("edxml-impossible-date", value=value),
                element=name,
                code="impossible-date",
            ),
            (*path, name),
        ) from exc
    except (ValueError, DateFormatError) as exc:
        raise _fail(
            SchemaInvalid(
                msg("edxml-bad-value", value=value, kind=what[0]),
                element=name,
                code="bad-value",
            ),
            (*path, name),
        ) from exc


def _int(node: Node, name: str, path: Path) -> int | None:
    return _converted(node, name, path, int, (msg("edxml-kind-integer"),))


def _bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(value)


def _date(node: Node, name: str, path: Path) -> date | None:
    return _converted(node, name, path, read_date, (msg("edxml-kind-date"),))


def _timestamp(node: Node, name: str, path: Path) -> datetime | None:
    return _converted(
        node,
        name,
        path,
        read_timestamp,
        (msg("edxml-kind-timestamp"),),
    )


def _texts(node: Node | None, name: str) -> tuple[str, ...]:
    if node is None:
        return ()
    return tuple([value for value in _all(node, name) if isinstance(value, str)])


def read_package(parsed: ParsedXML, *, sink: AttachmentSink, limits: Limits) -> Package:
    """The package model of a parsed tree; raises SchemaInvalid or SemanticInvalid."""
    root = parsed.root
    if root.tag != _ROOT_TAG:
        raise SchemaInvalid(
            msg("edxml-wrong-root", namespace=Namespace.EDXML, tag=str(root.tag)),
            element=etree.QName(root).localname,
            line=source_line(root),
            code="wrong-root",
        )
    try:
        return _package(root, to_node(root), parsed, sink=sink, limits=limits)
    except _Located as located:
        error = located.error
        if error.line is None and parsed.lines:
            error.line = source_line(locate(root, located.path))
        raise error from located.__cause__


def _package(
    root: etree._Element, top: Node, parsed: ParsedXML, *, sink: AttachmentSink, limits: Limits
) -> Package:
    envelope = _group(top, "edXMLEnvelope", ())
    if envelope is None:
        raise _missing("edXMLEnvelope", ())
    header = _group(envelope, "edXMLHeader", _HEADER[:1])
    if header is None:
        raise _missing("edXMLHeader", _HEADER[:1])
    message = _group(header, "MessageHeader", _HEADER)
    if message is None:
        raise _missing("MessageHeader", _HEADER)
    signature = _signature(root) if FOREIGN in header or "Signature" in header else None
    if "StatusCode" in message and "TraceHeaderList" not in header:
        vendor = _vendor(root, message, _STATUS_HEADER_NAMES)
        return _status(message, signature, vendor)
    trace, business = _trace(_group(header, "TraceHeaderList", _HEADER))
    body = _group(envelope, "edXMLBody", ("edXMLEnvelope",))
    manifest = _group(body, "edXMLManifest", _MANIFEST[:2]) if body is not None else None
    encoded = _group(top, "AttachmentEncoded", ())
    return _DocumentPackage(
        header=_document_header(message, _vendor(root, message, _DOCUMENT_HEADER_NAMES)),
        trace=trace,
        business=business,
        manifest=_manifest(root, manifest) if manifest is not None else (),
        attachments=_attachments(encoded, parsed, sink=sink, limits=limits) if encoded is not None else (),
        signature=signature,
    )


def _canonical(element: etree._Element) -> VendorElement:
    return _VendorElement(etree.tostring(element, method="c14n", exclusive=True, with_comments=False))


def _signature(root: etree._Element) -> VendorElement | None:
    header = locate(root, _HEADER)
    for child in header if header is not None else ():
        if child.tag == _DSIG_SIGNATURE or local_name(child.tag) == "Signature":
            return _canonical(child)
    return None


def _vendor(root: etree._Element, message: Node, known: frozenset[str]) -> tuple[VendorElement, ...]:
    if message.keys() <= known:
        return ()
    element = locate(root, _MESSAGE)
    return tuple(
        _canonical(child)
        for child in (element if element is not None else ())
        if isinstance(child.tag, str) and local_name(child.tag) not in known
    )


_ORGANIZATION: Final = (
    "OrganId", "OrganizationInCharge", "OrganName", "OrganAdd", "Email", "Telephone", "Fax", "Website",
)  # fmt: skip
_STAFF: Final = ("Department", "Staff", "Email", "Mobile")
_SIGNER: Final = ("Competence", "Position", "FullName")


def _organization(node: Node, path: Path) -> Organization:
    values = _leaves(node, _ORGANIZATION, path)
    if values[0] is None:
        _required(node, "OrganId", path)  # raises: missing or empty
    return _Organization(*values)  # type: ignore[arg-type]


def _staff_info(node: Node | None, path: Path) -> StaffInfo | None:
    return _StaffInfo(*_leaves(node, _STAFF, path)) if node is not None else None


def _response_for(node: Node, path: Path) -> ResponseFor:
    return _ResponseFor(
        organ_id=_required(node, "OrganId", path),
        document_id=_required(node, "DocumentId", path),
        code=_str(node, "Code", path),
        promulgation_date=_date(node, "PromulgationDate", path),
    )


_FROM: Final = (*_MESSAGE, "From")
_TO: Final = (*_MESSAGE, "To")
_RESPONSE: Final = (*_MESSAGE, "ResponseFor")


def _document_header(message: Node, vendor: tuple[VendorElement, ...]) -> DocumentHeader:
    path = _MESSAGE
    from_node = _group(message, "From", path)
    if from_node is None:
        raise _missing("From", path)
    recipients = _groups(message, "To")
    if not recipients:
        raise _missing("To", path)
    code = _group(message, "Code", path)
    if code is None:
        raise _missing("Code", path)
    promulgation = _group(message, "PromulgationInfo", path)
    document_type = _group(message, "DocumentType", path)
    signer = _group(message, "SignerInfo", path)
    other = _group(message, "OtherInfo", path)
    sub = (*path, "")
    return _DocumentHeader(
        from_=_organization(from_node, _FROM),
        to=tuple([_organization(node, _TO) for node in recipients]),
        document_id=_required(message, "DocumentId", path),
        code=_DocumentCode(
            number=_str(code, "CodeNumber", sub) or "",
            notation=_str(code, "CodeNotation", sub) or "",
        ),
        promulgation=_PromulgationInfo(
            place=_str(promulgation, "Place", sub),
            promulgation_date=_date(promulgation, "PromulgationDate", (*path, "PromulgationInfo")),
        )
        if promulgation is not None
        else None,
        document_type=_DocumentType(
            type=_int(document_type, "Type", (*path, "DocumentType")),
            type_detail=_int(document_type, "TypeDetail", (*path, "DocumentType")),
            type_name=_str(document_type, "TypeName", sub),
        )
        if document_type is not None
        else None,
        subject=_required(message, "Subject", path),
        content=_str(message, "Content", path),
        signer_info=_SignerInfo(*_leaves(signer, _SIGNER, sub)) if signer is not None else None,
        due_date=_date(message, "DueDate", path),
        other_info=_other_info(other, (*path, "OtherInfo")) if other is not None else None,
        response_for=tuple([_response_for(node, _RESPONSE) for node in _groups(message, "ResponseFor")]),
        steering_type=_int(message, "SteeringType", path),
        to_places=_texts(_group(message, "ToPlaces", path), "Place"),
        vendor_elements=vendor,
    )


def _other_info(node: Node, path: Path) -> OtherInfo:
    return _OtherInfo(
        priority=_int(node, "Priority", path),
        sphere_of_promulgation=_str(node, "SphereOfPromulgation", path),
        typer_notation=_str(node, "TyperNotation", path),
        promulgation_amount=_int(node, "PromulgationAmount", path),
        page_amount=_int(node, "PageAmount", path),
        reply_fors=_str(node, "ReplyFors", path),
        direction=_converted(node, "Direction", path, _bool, (msg("edxml-kind-boolean"),)),
        reference_codes=_str(node, "ReferenceCodes", path),
        appendixes=_texts(_group(node, "Appendixes", path), "Appendix"),
    )


def _business_node(node: Node, path: Path) -> Node | None:
    found = _group(node, "Bussiness", path)
    return found if found is not None else _group(node, "Business", path)


def _trace(trace_list: Node | None) -> tuple[tuple[TraceHeader, ...], Business | None]:
    if trace_list is None:
        return (), None
    path = (*_TRACE, "TraceHeader")
    hops = []
    business = _business_node(trace_list, _TRACE)
    for hop in _groups(trace_list, "TraceHeader"):
        hops.append(
            _TraceHeader(
                organ_id=_required(hop, "OrganId", path),
                timestamp=_timestamp(hop, "Timestamp", path),
            )
        )
        if business is None:  # one vendor nests the business block inside its trace header
            business = _business_node(hop, path)
    return tuple(hops), _business(business, (*_TRACE, "Bussiness")) if business is not None else None


def _spelled(node: Node, suffix: str, path: Path) -> Any:
    value = _first(node, "Bussiness" + suffix, path)
    return value if value is not None else _first(node, "Business" + suffix, path)


#: BusinessType by value: a dict lookup, not an enum call.
_BUSINESS_TYPES: Final = {member.value: member for member in BusinessType}


def _business(node: Node, path: Path) -> Business:
    raw_type = _text(_spelled(node, "DocType", path))
    try:
        business_type = _BUSINESS_TYPES[int(raw_type)] if raw_type is not None else BusinessType.NEW
    except (KeyError, ValueError) as exc:
        raise _fail(
            SemanticInvalid(
                msg("edxml-business-type", value=str(raw_type)),
                element="BussinessDocType",
                code="business-type",
            ),
            (*path, "BussinessDocType"),
        ) from exc
    info = _spelled(node, "DocumentInfo", path)
    replacements = _group(node, "ReplacementInfoList", path)
    return _Business(
        business_type=business_type,
        document_id=_str(node, "DocumentId", path),
        reason=_text(_spelled(node, "DocReason", path)),
        paper=_int(node, "Paper", path),
        document_info=_document_info(info if isinstance(info, dict) else {}, path)
        if info is not None
        else None,
        replacements=_replacements(replacements, path) if replacements is not None else (),
        staff_info=_staff_info(_group(node, "StaffInfo", path), path),
    )


def _document_info(node: Node, path: Path) -> BusinessDocumentInfo:
    receivers = _group(node, "ReceiverList", path)
    return _BusinessDocumentInfo(
        document_info=_int(node, "DocumentInfo", path),
        document_receiver=_int(node, "DocumentReceiver", path),
        receivers=tuple(
            _Receiver(
                organ_id=_required(receiver, "OrganId", path),
                receiver_type=_int(receiver, "ReceiverType", path),
            )
            for receiver in _groups(receivers, "Receiver")
        )
        if receivers is not None
        else (),
    )


def _replacements(node: Node, path: Path) -> tuple[ReplacementInfo, ...]:
    return tuple(
        _ReplacementInfo(
            document_id=_required(info, "DocumentId", path),
            organ_ids=_texts(_group(info, "OrganIdList", path), "OrganId"),
        )
        for info in _groups(node, "ReplacementInfo")
    )


def _content_id(value: str) -> str:
    return value[4:].strip() if value[:4].lower() == "cid:" else value


def _manifest(root: etree._Element, manifest: Node) -> tuple[ManifestReference, ...]:
    references = []
    path = (*_MANIFEST, "Reference")
    for index, reference in enumerate(_groups(manifest, "Reference")):
        content_id = _str(reference, "ContentId", path) or _href(root, index)
        if not content_id:
            raise _missing("ContentId", path)
        references.append(
            _ManifestReference(
                content_id=_content_id(content_id),
                content_type=_str(reference, "ContentType", path),
                description=_str(reference, "Description", path),
                attachment_name=_str(reference, "AttachmentName", path),
            )
        )
    return tuple(references)


def _href(root: etree._Element, index: int) -> str | None:
    """``xlink:href`` of the index-th manifest reference: some writers put the id only there."""
    manifest = locate(root, _MANIFEST)
    if manifest is None:
        return None
    references = [child for child in manifest if local_name(child.tag) == "Reference"]
    return references[index].get(_XLINK_HREF) if index < len(references) else None


def _attachments(
    encoded: Node, parsed: ParsedXML, *, sink: AttachmentSink, limits: Limits
) -> tuple[Attachment, ...]:
    nodes = _groups(encoded, "Attachment")
    if len(nodes) > limits.max_attachments:
        raise _fail(
            SemanticInvalid(
                msg("edxml-too-many-attachments"),
                element="Attachment",
                code="too-many",
            ),
            _ATTACHMENT,
        )
    path = _ATTACHMENT
    attachments = []
    for index, node in enumerate(nodes):
        content_id = _content_id(_required(node, "ContentId", path))
        name = _str(node, "AttachmentName", path)
        content_type = _str(node, "ContentType", path)
        if "ContentTransferEncoded" not in node:
            raise _missing("ContentTransferEncoded", path)
        text = _first(node, "ContentTransferEncoded", path)
        try:
            if parsed.payloads is not None:
                payload = parsed.payloads[index]
            elif isinstance(text, dict):
                raise SchemaInvalid(
                    msg("edxml-encoded-not-text"),
                    element="ContentTransferEncoded",
                )
            else:
                payload = decode_text(text or "", sink, limits)
            if payload.content is not None:  # not spooled as a possible zip: nothing to decide
                content, wrapped = payload.content, False
            else:
                content, wrapped = finalize(
                    payload, name=name, content_type=content_type, sink=sink, limits=limits
                )
        except PackageInvalid as exc:
            raise _fail(exc, (*path, "ContentTransferEncoded")) from exc
        attachments.append(
            _Attachment(
                content_id=content_id,
                name=name,
                content_type=content_type,
                content=content,
                description=_str(node, "Description", path),
                zip_wrapped=wrapped,
            )
        )
    return tuple(attachments)


def _status(
    message: Node, signature: VendorElement | None, vendor: tuple[VendorElement, ...]
) -> StatusPackage:
    path = _MESSAGE
    from_node = _group(message, "From", path)
    if from_node is None:
        raise _missing("From", path)
    response_for = _group(message, "ResponseFor", path)
    if response_for is None:
        raise _missing("ResponseFor", path)
    if "StatusCode" not in message:
        raise _missing("StatusCode", path)
    raw_code = _str(message, "StatusCode", path) or ""
    try:
        status_code = StatusCode.parse(raw_code)
    except ValueError as exc:
        raise _fail(
            SemanticInvalid(
                msg("edxml-status-unknown", value=raw_code),
                element="StatusCode",
                code="unknown-status",
            ),
            (*path, "StatusCode"),
        ) from exc
    timestamp = _timestamp(message, "Timestamp", path)
    if timestamp is None:
        raise _missing("Timestamp", path)
    return _StatusPackage(
        from_=_organization(from_node, _FROM),
        response_for=_response_for(response_for, _RESPONSE),
        status_code=status_code,
        timestamp=timestamp,
        staff_info=_staff_info(_group(message, "StaffInfo", path), (*path, "StaffInfo")),
        description=_str(message, "Description", path),
        vendor_elements=vendor,
        signature=signature,
    )
