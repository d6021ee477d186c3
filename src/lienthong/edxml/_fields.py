"""The free-text fields of a package, each with its element path and the key of its bound in
``FIELD_LENGTHS`` (``_limits``): what the length check walks.

The walk runs on every package submitted and every package received, so it builds one list
with the element paths made once here, not a generator per part with paths made per package.
"""

from __future__ import annotations

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

_ORGANIZATION_KEYS = ("OrganizationInCharge", "OrganName", "OrganAdd", "Email", "Telephone", "Fax", "Website")
_FROM = tuple(f"From/{key}" for key in _ORGANIZATION_KEYS)
_TO = tuple(f"To/{key}" for key in _ORGANIZATION_KEYS)
_STAFF_KEYS = ("StaffInfo/Department", "StaffInfo/Staff", "Email", "StaffInfo/Mobile")
_STAFF_NAMES = ("Department", "Staff", "Email", "Mobile")
_STATUS_STAFF = tuple(f"StaffInfo/{name}" for name in _STAFF_NAMES)
_BUSINESS_STAFF = tuple(f"Bussiness/StaffInfo/{name}" for name in _STAFF_NAMES)
_OTHER_INFO = (
    "OtherInfo/SphereOfPromulgation",
    "OtherInfo/TyperNotation",
    "OtherInfo/ReplyFors",
    "OtherInfo/ReferenceCodes",
)


def _organization(fields: list[Field], paths: tuple[str, ...], organization: Organization) -> None:
    o = organization
    texts = (o.organization_in_charge, o.organ_name, o.organ_add, o.email, o.telephone, o.fax, o.website)
    fields.extend(zip(paths, _ORGANIZATION_KEYS, texts, strict=True))


def _response_for(fields: list[Field], response: ResponseFor) -> None:
    fields.append(("ResponseFor/Code", "ResponseFor/Code", response.code))
    fields.append(("ResponseFor/DocumentId", "DocumentId", response.document_id))


def _staff(fields: list[Field], paths: tuple[str, ...], staff: StaffInfo | None) -> None:
    if staff is not None:
        texts = (staff.department, staff.staff, staff.email, staff.mobile)
        fields.extend(zip(paths, _STAFF_KEYS, texts, strict=True))


def _business(fields: list[Field], business: Business) -> None:
    fields.append(("Bussiness/DocumentId", "DocumentId", business.document_id))
    fields.append(("Bussiness/BussinessDocReason", "Bussiness/BussinessDocReason", business.reason))
    for replacement in business.replacements:
        fields.append(("ReplacementInfo/DocumentId", "DocumentId", replacement.document_id))
    _staff(fields, _BUSINESS_STAFF, business.staff_info)


def _document(fields: list[Field], package: DocumentPackage) -> None:
    header = package.header
    _organization(fields, _FROM, header.from_)
    for organization in header.to:
        _organization(fields, _TO, organization)
    # Code before DocumentId: a builder makes the DocumentId from the code, so it is the cause.
    fields.append(("Code/CodeNumber", "Code/CodeNumber", header.code.number))
    fields.append(("Code/CodeNotation", "Code/CodeNotation", header.code.notation))
    fields.append(("DocumentId", "DocumentId", header.document_id))
    if header.promulgation is not None:
        fields.append(("PromulgationInfo/Place", "PromulgationInfo/Place", header.promulgation.place))
    if header.document_type is not None:
        fields.append(("DocumentType/TypeName", "DocumentType/TypeName", header.document_type.type_name))
    fields.append(("Subject", "Subject", header.subject))
    fields.append(("Content", "Content", header.content))
    signer = header.signer_info
    if signer is not None:
        fields.append(("SignerInfo/Competence", "SignerInfo/Competence", signer.competence))
        fields.append(("SignerInfo/Position", "SignerInfo/Position", signer.position))
        fields.append(("SignerInfo/FullName", "SignerInfo/FullName", signer.full_name))
    other = header.other_info
    if other is not None:
        texts = (other.sphere_of_promulgation, other.typer_notation, other.reply_fors, other.reference_codes)
        fields.extend(zip(_OTHER_INFO, _OTHER_INFO, texts, strict=True))
        for appendix in other.appendixes:
            fields.append(("Appendixes/Appendix", "Appendixes/Appendix", appendix))
    for response in header.response_for:
        _response_for(fields, response)
    for place in header.to_places:
        fields.append(("ToPlaces/Place", "ToPlaces/Place", place))
    if package.business is not None:
        _business(fields, package.business)
    for reference in package.manifest:
        fields.append(("Reference/AttachmentName", "AttachmentName", reference.attachment_name))
        fields.append(("Reference/ContentType", "ContentType", reference.content_type))
        fields.append(("Reference/Description", "Description", reference.description))
    for attachment in package.attachments:
        fields.append(("Attachment/AttachmentName", "AttachmentName", attachment.name))
        fields.append(("Attachment/ContentType", "ContentType", attachment.content_type))
        fields.append(("Attachment/Description", "Description", attachment.description))


def text_fields(package: Package) -> list[Field]:
    """Every free-text field of ``package`` (absent ones as None), in document order."""
    fields: list[Field] = []
    if isinstance(package, StatusPackage):
        _organization(fields, _FROM, package.from_)
        _response_for(fields, package.response_for)
        _staff(fields, _STATUS_STAFF, package.staff_info)
        fields.append(("Description", "Description", package.description))
    else:
        _document(fields, package)
    return fields
