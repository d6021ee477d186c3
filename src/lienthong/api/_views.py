"""Entries of the store as the API's models: pure conversions, no I/O."""

from __future__ import annotations

from lienthong._i18n import tr
from lienthong.api._errors import RequestInvalid
from lienthong.api._models import InboxItemModel, TimelineStep
from lienthong.edxml import StatusCode
from lienthong.store import InboxItem, StatusEntry


def item_id(message_id: str, recipient: str) -> str:
    return f"{message_id}-{recipient}"


def parse_item_id(text: str) -> tuple[str, str]:
    message_id, sep, recipient = text.partition("-")
    if not sep or len(message_id) != 64 or not recipient:
        raise RequestInvalid(tr(f"định danh không hợp lệ: {text}", f"invalid item id: {text}"))
    return message_id, recipient


def inbox_model(item: InboxItem) -> InboxItemModel:
    entry = item.entry
    return InboxItemModel(
        id=item_id(entry.message_id, entry.recipient),
        position=item.position,
        message_id=entry.message_id,
        document_id=entry.document_id,
        kind=entry.kind.value,
        sender=entry.sender,
        recipient=entry.recipient,
        received_at=entry.received_at,
        disposition=entry.disposition.value,
        superseded_by=entry.superseded_by,
        acknowledged=item.acknowledged,
        acknowledged_at=item.acknowledged_at,
    )


def step_model(entry: StatusEntry) -> TimelineStep:
    try:
        label = str(StatusCode(entry.status_code).label)
    except ValueError:
        label = entry.status_code
    return TimelineStep(
        document_id=entry.document_id,
        reporter=entry.reporter,
        addressee=entry.addressee,
        status_code=entry.status_code,
        label=label,
        timestamp=entry.timestamp,
        direction=entry.direction.value,
        description=entry.description,
    )
