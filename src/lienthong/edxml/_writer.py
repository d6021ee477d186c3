"""From the model to the bytes the network expects.

The form is the one EDXML.md lists first: the root ``edXML`` carries the edXML namespace as
default, the envelope declares the ``edXML`` prefix and every element inside it uses it, the
attachment block is written without a prefix; ``Bussiness`` is spelled as on the wire; header
elements come in the standard's order; dates are ``yyyy/MM/dd`` and timestamps
``yyyy/MM/dd HH:mm:ss`` in Vietnam's time. The same model always gives the same bytes.
Attachments are streamed from their content, encoded chunk by chunk.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import IO, BinaryIO, Final

import pybase64
from lxml import etree

from lienthong.edxml._dates import format_date, format_timestamp
from lienthong.edxml._model import (
    Attachment,
    Business,
    DocumentHeader,
    DocumentPackage,
    Organization,
    OtherInfo,
    Package,
    ResponseFor,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    VendorElement,
)
from lienthong.edxml._namespaces import EDXML_PREFIX, Namespace

_NS: Final = "{" + Namespace.EDXML + "}"
_XLINK: Final = "{" + Namespace.XLINK + "}"
_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n'
#: Base64 is written in chunks of whole 3-byte groups, so chunks concatenate without padding;
#: 48 KiB in, 64 Ki characters out: lxml's xmlfile keeps every single write() larger than that,
#: so a bigger chunk made a 1 GB attachment cost 1 GB of memory.
_ENCODE_CHUNK: Final = 3 * 16 * 1024
_ZIP_DATE: Final = (1980, 1, 1, 0, 0, 0)

_Value = str | int | bool | date | datetime | None


def _format(value: _Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _leaf(parent: etree._Element, name: str, value: _Value) -> None:
    text = _format(value)
    if text is not None:
        etree.SubElement(parent, _NS + name).text = text


def _leaves(parent: etree._Element, pairs: Iterable[tuple[str, _Value]]) -> None:
    for name, value in pairs:
        _leaf(parent, name, value)


def _group(parent: etree._Element, name: str, pairs: Iterable[tuple[str, _Value]]) -> etree._Element:
    element = etree.SubElement(parent, _NS + name)
    _leaves(element, pairs)
    return element


def _organization(parent: etree._Element, name: str, org: Organization) -> None:
    _group(
        parent,
        name,
        (
            ("OrganId", org.organ_id),
            ("OrganizationInCharge", org.organization_in_charge),
            ("OrganName", org.organ_name),
            ("OrganAdd", org.organ_add),
            ("Email", org.email),
            ("Telephone", org.telephone),
            ("Fax", org.fax),
            ("Website", org.website),
        ),
    )


def _staff(parent: etree._Element, staff: StaffInfo | None) -> None:
    if staff is not None:
        _group(
            parent,
            "StaffInfo",
            (
                ("Department", staff.department),
                ("Staff", staff.staff),
                ("Email", staff.email),
                ("Mobile", staff.mobile),
            ),
        )


def _response_for(parent: etree._Element, response: ResponseFor, *, status: bool) -> None:
    # The status header lists the date before the id, the document header the other way round.
    pairs: list[tuple[str, _Value]] = [("OrganId", response.organ_id), ("Code", response.code)]
    if status:
        pairs += [
            ("PromulgationDate", response.promulgation_date),
            ("DocumentId", response.document_id),
        ]
    else:
        pairs += [
            ("DocumentId", response.document_id),
            ("PromulgationDate", response.promulgation_date),
        ]
    _group(parent, "ResponseFor", pairs)


def _vendor(parent: etree._Element, elements: Iterable[VendorElement]) -> None:
    for vendor in elements:
        parent.append(etree.fromstring(vendor.xml))


def _other_info(parent: etree._Element, other: OtherInfo) -> None:
    element = _group(
        parent,
        "OtherInfo",
        (
            ("Priority", other.priority),
            ("SphereOfPromulgation", other.sphere_of_promulgation),
            ("TyperNotation", other.typer_notation),
            ("PromulgationAmount", other.promulgation_amount),
            ("PageAmount", other.page_amount),
            ("ReplyFors", other.reply_fors),
            ("Direction", other.direction),
            ("ReferenceCodes", other.reference_codes),
        ),
    )
    if other.appendixes:
        _leaves(
            etree.SubElement(element, _NS + "Appendixes"),
            (("Appendix", appendix) for appendix in other.appendixes),
        )


def _document_header(parent: etree._Element, header: DocumentHeader) -> None:
    message = etree.SubElement(parent, _NS + "MessageHeader")
    _organization(message, "From", header.from_)
    for recipient in header.to:
        _organization(message, "To", recipient)
    _leaf(message, "DocumentId", header.document_id)
    _group(
        message,
        "Code",
        (("CodeNumber", header.code.number), ("CodeNotation", header.code.notation)),
    )
    if header.promulgation is not None:
        _group(
            message,
            "PromulgationInfo",
            (
                ("Place", header.promulgation.place),
                ("PromulgationDate", header.promulgation.promulgation_date),
            ),
        )
    if header.document_type is not None:
        kind = header.document_type
        _group(
            message,
            "DocumentType",
            (("Type", kind.type), ("TypeDetail", kind.type_detail), ("TypeName", kind.type_name)),
        )
    _leaf(message, "Subject", header.subject)
    _leaf(message, "Content", header.content)
    if header.signer_info is not None:
        signer = header.signer_info
        _group(
            message,
            "SignerInfo",
            (
                ("Competence", signer.competence),
                ("Position", signer.position),
                ("FullName", signer.full_name),
            ),
        )
    _leaf(message, "DueDate", header.due_date)
    if header.other_info is not None:
        _other_info(message, header.other_info)
    for response in header.response_for:
        _response_for(message, response, status=False)
    _leaf(message, "SteeringType", header.steering_type)
    if header.to_places:
        _leaves(etree.SubElement(message, _NS + "ToPlaces"), (("Place", p) for p in header.to_places))
    _vendor(message, header.vendor_elements)


def _trace(parent: etree._Element, trace: Iterable[TraceHeader], business: Business | None) -> None:
    trace_list = etree.SubElement(parent, _NS + "TraceHeaderList")
    for hop in trace:
        _group(trace_list, "TraceHeader", (("OrganId", hop.organ_id), ("Timestamp", hop.timestamp)))
    if business is None:
        return
    element = _group(
        trace_list,
        "Bussiness",
        (
            ("DocumentId", business.document_id),
            ("BussinessDocType", int(business.business_type)),
            ("BussinessDocReason", business.reason),
            ("Paper", business.paper),
        ),
    )
    info = business.document_info
    if info is not None:
        info_element = _group(
            element,
            "BussinessDocumentInfo",
            (("DocumentInfo", info.document_info), ("DocumentReceiver", info.document_receiver)),
        )
        if info.receivers:
            receivers = etree.SubElement(info_element, _NS + "ReceiverList")
            for receiver in info.receivers:
                _group(
                    receivers,
                    "Receiver",
                    (("OrganId", receiver.organ_id), ("ReceiverType", receiver.receiver_type)),
                )
    if business.replacements:
        replacements = etree.SubElement(element, _NS + "ReplacementInfoList")
        for replacement in business.replacements:
            replacement_element = _group(
                replacements, "ReplacementInfo", (("DocumentId", replacement.document_id),)
            )
            _leaves(
                etree.SubElement(replacement_element, _NS + "OrganIdList"),
                (("OrganId", organ) for organ in replacement.organ_ids),
            )
    _staff(element, business.staff_info)


def _envelope(package: Package) -> etree._Element:
    envelope = etree.Element(_NS + "edXMLEnvelope", nsmap={EDXML_PREFIX: Namespace.EDXML})
    header = etree.SubElement(envelope, _NS + "edXMLHeader")
    if isinstance(package, DocumentPackage):
        _document_header(header, package.header)
        _trace(header, package.trace, package.business)
    else:
        _status_header(header, package)
    if package.signature is not None:
        header.append(etree.fromstring(package.signature.xml))
    if isinstance(package, DocumentPackage):
        manifest = etree.SubElement(
            etree.SubElement(envelope, _NS + "edXMLBody"),
            _NS + "edXMLManifest",
            version="1.0",
            nsmap={"xlink": Namespace.XLINK},
        )
        for reference in package.manifest:
            element = _group(
                manifest,
                "Reference",
                (
                    ("ContentId", "cid:" + reference.content_id),
                    ("ContentType", reference.content_type),
                    ("Description", reference.description),
                    ("AttachmentName", reference.attachment_name),
                ),
            )
            element.set(_XLINK + "href", "cid:" + reference.content_id)
    etree.indent(envelope, space="  ", level=1)
    return envelope


def _status_header(parent: etree._Element, status: StatusPackage) -> None:
    message = etree.SubElement(parent, _NS + "MessageHeader")
    _organization(message, "From", status.from_)
    _response_for(message, status.response_for, status=True)
    _staff(message, status.staff_info)
    _leaves(
        message,
        (
            ("StatusCode", status.status_code.value),
            ("Description", status.description),
            ("Timestamp", status.timestamp),
        ),
    )
    _vendor(message, status.vendor_elements)


def write_package_to(package: Package, stream: BinaryIO) -> None:
    """Write ``package`` to a binary stream; attachments are encoded as they are copied."""
    stream.write(_DECLARATION)
    with (
        etree.xmlfile(stream, encoding="UTF-8") as xf,
        xf.element(_NS + "edXML", nsmap={None: Namespace.EDXML}),
    ):
        xf.write("\n  ")
        xf.write(_envelope(package))
        if isinstance(package, DocumentPackage) and package.attachments:
            xf.write("\n  ")
            with xf.element(_NS + "AttachmentEncoded"):
                for attachment in package.attachments:
                    xf.write("\n    ")
                    _write_attachment(xf, attachment)
                xf.write("\n  ")
        xf.write("\n")
    stream.write(b"\n")


def write_package(package: Package) -> bytes:
    """The package's bytes."""
    buffer = io.BytesIO()
    write_package_to(package, buffer)
    return buffer.getvalue()


def _write_attachment(xf: etree._IncrementalFileWriter, attachment: Attachment) -> None:
    with xf.element(_NS + "Attachment"):
        for name, value in (
            ("ContentId", attachment.content_id),
            ("AttachmentName", attachment.name),
            ("Description", attachment.description),
            ("ContentType", attachment.content_type),
        ):
            if value is not None:
                xf.write("\n      ")
                with xf.element(_NS + name):
                    xf.write(value)
        xf.write("\n      ")
        with xf.element(_NS + "ContentTransferEncoded"):
            if attachment.zip_wrapped:
                with _zipped(attachment) as source:
                    _encode(xf, source)
            else:
                with attachment.content.open() as source:
                    _encode(xf, source)
        xf.write("\n    ")


def _encode(xf: etree._IncrementalFileWriter, source: IO[bytes]) -> None:
    while chunk := source.read(_ENCODE_CHUNK):
        xf.write(pybase64.b64encode(chunk).decode("ascii"))


def _zipped(attachment: Attachment) -> IO[bytes]:
    """The attachment re-wrapped in a one-file zip, made the same way every time."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - the caller closes it
    info = zipfile.ZipInfo(attachment.name or attachment.content_id, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    with (
        zipfile.ZipFile(spool, "w") as archive,
        archive.open(info, "w", force_zip64=False) as entry,
        attachment.content.open() as source,
    ):
        shutil.copyfileobj(source, entry, 1 << 20)
    spool.seek(0)
    return spool
