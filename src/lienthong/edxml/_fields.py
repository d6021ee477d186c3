"""The free-text fields of a package, each with its element path and the key of its bound in
``FIELD_LENGTHS`` (``_limits``): what the length check walks."""

from __future__ import annotations

from collections.abc import Iterator

from lienthong.edxml._model import (
    Business,
    DocumentPackage,
    Organization,
    Package,
    ResponseFor,
    StaffInfo,
    StatusPackage,
)

#: (element path, key in FIELD_LENGTHS, text)
Field = tuple[str, str, str | None]


def _organization(element: str, organization: Organization) -> Iterator[Field]:
    for key, text in (
        ("OrganizationInCharge", organization.organization_in_charge),
        ("OrganName", organization.organ_name),
        ("OrganAdd", organization.organ_add),
        ("Email", organization.email),
        ("Telephone", organization.telephone),
        ("Fax", organization.fax),
        ("Website", organization.website),
    ):
        yield f"{element}/{key}", key, text


def _response_for(response: ResponseFor) -> Iterator[Field]:
    yield "ResponseFor/Code", "ResponseFor/Code", response.code
    yield "ResponseFor/DocumentId", "DocumentId", response.document_id


def _staff(element: str, staff: StaffInfo | None) -> Iterator[Field]:
    if staff is None:
        return
    yield f"{element}/Department", "StaffInfo/Department", staff.department
    yield f"{element}/Staff", "StaffInfo/Staff", staff.staff
    yield f"{element}/Email", "Email", staff.email
    yield f"{element}/Mobile", "StaffInfo/Mobile", staff.mobile


def _business(business: Business) -> Iterator[Field]:
    yield "Bussiness/DocumentId", "DocumentId", business.document_id
    yield "Bussiness/BussinessDocReason", "Bussiness/BussinessDocReason", business.reason
    for replacement in business.replacements:
        yield "ReplacementInfo/DocumentId", "DocumentId", replacement.document_id
    yield from _staff("Bussiness/StaffInfo", business.staff_info)


def _document(package: DocumentPackage) -> Iterator[Field]:
    header = package.header
    yield from _organization("From", header.from_)
    for organization in header.to:
        yield from _organization("To", organization)
    # Code before DocumentId: a builder makes the DocumentId from the code, so it is the cause.
    yield "Code/CodeNumber", "Code/CodeNumber", header.code.number
    yield "Code/CodeNotation", "Code/CodeNotation", header.code.notation
    yield "DocumentId", "DocumentId", header.document_id
    if header.promulgation is not None:
        yield "PromulgationInfo/Place", "PromulgationInfo/Place", header.promulgation.place
    if header.document_type is not None:
        yield "DocumentType/TypeName", "DocumentType/TypeName", header.document_type.type_name
    yield "Subject", "Subject", header.subject
    yield "Content", "Content", header.content
    signer = header.signer_info
    if signer is not None:
        yield "SignerInfo/Competence", "SignerInfo/Competence", signer.competence
        yield "SignerInfo/Position", "SignerInfo/Position", signer.position
        yield "SignerInfo/FullName", "SignerInfo/FullName", signer.full_name
    other = header.other_info
    if other is not None:
        for key, text in (
            ("OtherInfo/SphereOfPromulgation", other.sphere_of_promulgation),
            ("OtherInfo/TyperNotation", other.typer_notation),
            ("OtherInfo/ReplyFors", other.reply_fors),
            ("OtherInfo/ReferenceCodes", other.reference_codes),
        ):
            yield key, key, text
        for appendix in other.appendixes:
            yield "Appendixes/Appendix", "Appendixes/Appendix", appendix
    for response in header.response_for:
        yield from _response_for(response)
    for place in header.to_places:
        yield "ToPlaces/Place", "ToPlaces/Place", place
    if package.business is not None:
        yield from _business(package.business)
    for reference in package.manifest:
        yield "Reference/AttachmentName", "AttachmentName", reference.attachment_name
        yield "Reference/ContentType", "ContentType", reference.content_type
        yield "Reference/Description", "Description", reference.description
    for attachment in package.attachments:
        yield "Attachment/AttachmentName", "AttachmentName", attachment.name
        yield "Attachment/ContentType", "ContentType", attachment.content_type
        yield "Attachment/Description", "Description", attachment.description


def text_fields(package: Package) -> Iterator[Field]:
    """Every free-text field of ``package`` (absent ones as None), in document order."""
    if isinstance(package, StatusPackage):
        yield from _organization("From", package.from_)
        yield from _response_for(package.response_for)
        yield from _staff("StaffInfo", package.staff_info)
        yield "Description", "Description", package.description
        return
    yield from _document(package)
