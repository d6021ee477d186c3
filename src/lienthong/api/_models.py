"""The JSON shapes of the REST API (they make the OpenAPI document at ``/docs``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """Every error: a stable code and one sentence."""

    code: str
    message: str


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
    last_error: str | None
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
