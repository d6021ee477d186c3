"""The JSON shapes of the REST API (they make the OpenAPI document at ``/docs``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: The largest position, cursor or event id: the databases keep them as 32-bit integers.
MAX_POSITION = 2**31 - 1


class Problem(BaseModel):
    """Every error: a stable code and one sentence, in the language asked for
    (``Accept-Language``: ``vi`` by default, or ``en``; ``Content-Language`` says which)."""

    code: str
    message: str
    message_code: str | None = Field(
        default=None, description="The sentence as data: its code (render it with `params`)."
    )
    params: dict[str, Any] | None = Field(default=None, description="The parameters of `message_code`.")


class Sent(BaseModel):
    """What the node answered a submission with."""

    message_id: str
    document_id: str
    package_sha256: str
    recipients: list[str]
    repeated: bool


class InboxItemModel(BaseModel):
    id: str = Field(description="Định danh mục văn bản đến (message_id-recipient).")
    position: int
    message_id: str
    document_id: str
    kind: str
    sender: str
    recipient: str
    received_at: datetime
    disposition: str
    superseded_by: str | None
    acknowledged: str | None
    acknowledged_at: datetime | None
    subject: str | None = Field(default=None, description="Trích yếu (văn bản; trống với trạng thái).")
    number: str | None = Field(default=None, description="Số văn bản.")
    notation: str | None = Field(default=None, description="Ký hiệu văn bản.")
    sender_name: str | None = Field(default=None, description="Tên cơ quan gửi, như gói tin ghi.")
    status_sent: str | None = Field(
        default=None, description="Mã trạng thái gần nhất nơi nhận đã báo về văn bản này (01–06, 15, 16)."
    )


class InboxPage(BaseModel):
    items: list[InboxItemModel]
    next_cursor: int | None = Field(description="Truyền lại làm `cursor` để lấy trang sau.")


class TimelineStep(BaseModel):
    document_id: str
    reporter: str
    addressee: str
    status_code: str
    label: str
    timestamp: datetime
    direction: str
    description: str | None


class _Open(BaseModel):
    """A shape a newer node may add keys to: every key given is kept and sent."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class OrganisationModel(_Open):
    code: str
    name: str | None = None


class PackageAttachmentModel(_Open):
    content_id: str = Field(description="Names it in `/inbox/{item_id}/attachments/{content_id}`.")
    name: str | None = None
    content_type: str | None = None
    description: str | None = None
    size: int | None = Field(default=None, description="Bytes, decoded.")
    sha256: str | None = None
    zip_wrapped: bool = False


class TraceHopModel(_Open):
    organ_id: str
    timestamp: datetime | None = None


class PackageModel(_Open):
    """A package's facts under stable keys; both kinds share them, keys the other kind uses are
    null or empty."""

    kind: str = Field(description="`document` or `status`.")
    from_: str = Field(alias="from", description="Mã cơ quan gửi.")
    from_name: str | None = Field(default=None, description="Tên cơ quan gửi, như gói tin ghi.")
    to: list[str] = Field(default=[], description="Mã các nơi nhận.")
    recipients: list[OrganisationModel] = Field(default=[], description="Nơi nhận: mã và tên.")
    document_id: str
    code_number: str | None = None
    code_notation: str | None = None
    subject: str | None = None
    type_name: str | None = None
    signer: str | None = None
    signer_position: str | None = None
    signer_competence: str | None = None
    promulgation_place: str | None = None
    promulgation_date: date | None = None
    due_date: date | None = None
    content: str | None = None
    steering_type: int | None = None
    priority: int | None = None
    business_type: int | None = None
    business_target: str | None = None
    response_for: list[str] = []
    trace: list[TraceHopModel] = []
    attachments: list[PackageAttachmentModel] = []
    signed: bool = False
    status_code: str | None = None
    status_label: str | None = Field(default=None, description="In the language asked for.")
    description: str | None = None
    timestamp: datetime | None = None
    staff: str | None = None


class _Problem(_Open):
    problem: str | None = Field(default=None, description="Why it is not valid, in the language asked for.")
    problem_message: dict[str, Any] | None = Field(
        default=None, description="`problem` as data: {code, params}."
    )


class SignatureReportModel(_Problem):
    """The package's XML signature, checked when the package was read."""

    valid: bool
    signer: str | None = None
    agency_code: str | None = None
    sender_code: str | None = None
    algorithm: str | None = None
    weak: bool = False
    indication: str | None = None
    subindication: str | None = None
    intact: bool | None = None
    trusted: bool | None = None
    revoked: bool | None = None
    validation_time: datetime | None = None


class PdfSignatureModel(_Problem):
    field: str | None = None
    valid: bool
    intact: bool | None = None
    trusted: bool | None = None
    revoked: bool | None = None
    signer: str | None = None
    signing_time: datetime | None = None
    timestamped: bool = False


class AttachmentSignaturesModel(_Problem):
    """One PDF attachment's signatures; only `valid` and `problem` when they could not be checked."""

    content_id: str | None = None
    name: str | None = None
    zip_wrapped: bool = False
    signed: bool = False
    valid: bool
    signatures: list[PdfSignatureModel] = []


class DocumentView(BaseModel):
    item: InboxItemModel
    package: PackageModel
    signature: SignatureReportModel
    attachment_signatures: list[AttachmentSignaturesModel]
    timeline: list[TimelineStep]


class StatusRequest(BaseModel):
    code: str = Field(description="01–06, 15, 16.", examples=["03"])
    description: str | None = Field(default=None, description="Lý do (bắt buộc với 02).")


class RecallRequest(BaseModel):
    reason: str = Field(min_length=1)


class RecipientState(BaseModel):
    recipient: str
    deliver_to: str
    delivery: str
    attempts: int
    last_error: str | None = Field(description="Why the last attempt failed, in the language asked for.")
    last_error_message: dict[str, Any] | None = Field(
        default=None, description="`last_error` as data: {code, params} (absent for an older sentence)."
    )
    delivered_at: datetime | None
    business_status: str | None
    business_status_at: datetime | None


class OutboxMessage(BaseModel):
    message_id: str
    document_id: str
    kind: str
    sender: str
    created_at: datetime
    recipients: list[RecipientState]
    timeline: list[TimelineStep]


class OutboxPage(BaseModel):
    items: list[OutboxMessage]
    next_cursor: int | None


class Agency(BaseModel):
    code: str
    name: str | None
    parent: str | None
    valid_from: date | None
    valid_to: date | None
    successor: str | None
    node: str | None


class Event(BaseModel):
    """Something that happened to a document of one of the client's codes."""

    id: int = Field(description="Số thứ tự trong sổ nhật ký: tăng dần, không lặp lại.")
    type: str = Field(
        description="document.received, status.received, recall.requested, recall.answered, "
        "document.sent, status.sent, delivery.delivered, delivery.rejected, delivery.failed."
    )
    at: datetime
    code: str = Field(description="Mã định danh của ứng dụng liên quan.")
    party: str = Field(description="Mã định danh bên kia.")
    message_id: str
    document_id: str
    kind: str
    item_id: str | None = Field(default=None, description="Mục văn bản đến (với gói nhận được).")
    status_code: str | None = None
    reason: str | None = Field(default=None, description="Why (a refusal, a failure), as a sentence.")
    reason_message: dict[str, Any] | None = Field(
        default=None, description="`reason` as data: {code, params} (absent for an older sentence)."
    )


class EventPage(BaseModel):
    events: list[Event]
    next_after: int = Field(description="Truyền lại làm `after` để lấy trang sau.")


class WebhookRequest(BaseModel):
    url: str = Field(description="https (chứng thư do mạng cấp) hoặc http trên máy cục bộ.")
    after: int | None = Field(
        default=None,
        ge=0,
        le=MAX_POSITION,
        description="Gửi các sự kiện sau số này; mặc định: chỉ sự kiện mới.",
    )


class Webhook(BaseModel):
    url: str
    cursor: int
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    last_error_message: dict[str, Any] | None = Field(
        default=None, description="`last_error` as data: {code, params} (absent for a plain sentence)."
    )
    secret: str | None = Field(default=None, description="Khóa HMAC: chỉ trả về khi đăng ký.")
