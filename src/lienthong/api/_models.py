"""The JSON shapes of the REST API (they make the OpenAPI document at ``/docs``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

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


class DocumentView(BaseModel):
    item: InboxItemModel
    package: dict[str, Any]
    signature: dict[str, Any]
    attachment_signatures: list[dict[str, Any]]
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
