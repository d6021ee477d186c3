"""The typed model of edXML packages (QCVN 102:2016): document packages and status packages.

Values are frozen dataclasses; they change by ``dataclasses.replace``. Field names follow the
wire's element names in snake case (``OrganizationInCharge`` → ``organization_in_charge``).
Elements a vendor adds to the message header are kept as canonical XML (``VendorElement``) so a
relay can pass them on; readers ignore them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Literal

from lienthong.edxml._content import AttachmentContent
from lienthong.edxml._status import StatusCode


@dataclass(frozen=True, slots=True)
class Organization:
    """An agency as ``From``, ``To`` or a status's ``From`` describe it."""

    organ_id: str
    organization_in_charge: str | None = None
    organ_name: str | None = None
    organ_add: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentCode:
    """Số and ký hiệu: ``7816`` and ``VPCP-TTĐT``."""

    number: str
    notation: str

    @property
    def text(self) -> str:
        """``7816/VPCP-TTĐT``, as ResponseFor/Code and people write it."""
        return f"{self.number}/{self.notation}" if self.notation else self.number


@dataclass(frozen=True, slots=True)
class PromulgationInfo:
    place: str | None
    promulgation_date: date | None


@dataclass(frozen=True, slots=True)
class DocumentType:
    type: int | None
    type_detail: int | None
    type_name: str | None


@dataclass(frozen=True, slots=True)
class SignerInfo:
    competence: str | None
    position: str | None
    full_name: str | None


@dataclass(frozen=True, slots=True)
class OtherInfo:
    priority: int | None = None
    sphere_of_promulgation: str | None = None
    typer_notation: str | None = None
    promulgation_amount: int | None = None
    page_amount: int | None = None
    reply_fors: str | None = None
    direction: bool | None = None
    reference_codes: str | None = None
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResponseFor:
    """A document this package answers: in a document header, or the subject of a status."""

    organ_id: str
    document_id: str
    code: str | None = None
    promulgation_date: date | None = None


@dataclass(frozen=True, slots=True)
class TraceHeader:
    """One hop: which agency's system handled the package, and when."""

    organ_id: str
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class StaffInfo:
    department: str | None = None
    staff: str | None = None
    email: str | None = None
    mobile: str | None = None


class BusinessType(enum.IntEnum):
    """What a document does to an earlier one (``BussinessDocType``)."""

    NEW = 0
    RECALL = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


@dataclass(frozen=True, slots=True)
class Receiver:
    organ_id: str
    receiver_type: int | None = None


@dataclass(frozen=True, slots=True)
class BusinessDocumentInfo:
    """For an update (type 2): which parts change and for whom."""

    document_info: int | None = None
    document_receiver: int | None = None
    receivers: tuple[Receiver, ...] = ()


@dataclass(frozen=True, slots=True)
class ReplacementInfo:
    """For a replacement (type 3): the replaced document and the agencies it was sent to."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Business:
    """The ``Bussiness`` block of the trace list."""

    business_type: BusinessType
    document_id: str | None = None
    reason: str | None = None
    paper: int | None = None
    document_info: BusinessDocumentInfo | None = None
    replacements: tuple[ReplacementInfo, ...] = ()
    staff_info: StaffInfo | None = None


@dataclass(frozen=True, slots=True)
class ManifestReference:
    """One line of the manifest; ``content_id`` is kept without the ``cid:`` prefix."""

    content_id: str
    content_type: str | None = None
    description: str | None = None
    attachment_name: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """One attached file, decoded; ``zip_wrapped`` says the wire carried it inside a zip."""

    content_id: str
    name: str | None
    content_type: str | None
    content: AttachmentContent
    description: str | None = None
    zip_wrapped: bool = False


@dataclass(frozen=True, slots=True)
class VendorElement:
    """An element the standard does not name, kept as exclusive canonical XML."""

    xml: bytes


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """The document ``MessageHeader``, element by element."""

    from_: Organization
    to: tuple[Organization, ...]
    document_id: str
    code: DocumentCode
    subject: str
    promulgation: PromulgationInfo | None = None
    document_type: DocumentType | None = None
    signer_info: SignerInfo | None = None
    steering_type: int | None = None
    content: str | None = None
    due_date: date | None = None
    other_info: OtherInfo | None = None
    response_for: tuple[ResponseFor, ...] = ()
    to_places: tuple[str, ...] = ()
    vendor_elements: tuple[VendorElement, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentPackage:
    """A document package: header, trace, manifest and attachments."""

    kind: ClassVar[Literal["document"]] = "document"

    header: DocumentHeader
    trace: tuple[TraceHeader, ...] = ()
    business: Business | None = None
    manifest: tuple[ManifestReference, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: The XML-DSig ``Signature`` as read (canonical XML); verification uses the received bytes.
    signature: VendorElement | None = None

    @property
    def from_code(self) -> str:
        return self.header.from_.organ_id

    @property
    def to_codes(self) -> tuple[str, ...]:
        return tuple(org.organ_id for org in self.header.to)

    @property
    def document_id(self) -> str:
        return self.header.document_id

    @property
    def business_type(self) -> BusinessType | None:
        return self.business.business_type if self.business else None


@dataclass(frozen=True, slots=True)
class StatusPackage:
    """A status package: what became of a document at one agency."""

    kind: ClassVar[Literal["status"]] = "status"

    from_: Organization
    response_for: ResponseFor
    status_code: StatusCode
    timestamp: datetime
    staff_info: StaffInfo | None = None
    description: str | None = None
    vendor_elements: tuple[VendorElement, ...] = ()
    signature: VendorElement | None = None

    @property
    def from_code(self) -> str:
        return self.from_.organ_id

    @property
    def document_id(self) -> str:
        """The DocumentId of the document this status is about."""
        return self.response_for.document_id


Package = DocumentPackage | StatusPackage
