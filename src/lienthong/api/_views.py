"""Entries of the store as the API's models: pure conversions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lienthong._i18n import Language, Message, msg, render
from lienthong.api._errors import RequestInvalid
from lienthong.api._models import InboxItemModel, TimelineStep
from lienthong.edxml import StatusCode
from lienthong.store import InboxItem, StatusEntry


def item_id(message_id: str, recipient: str) -> str:
    return f"{message_id}-{recipient}"


def parse_item_id(text: str) -> tuple[str, str]:
    message_id, sep, recipient = text.partition("-")
    if not sep or len(message_id) != 64 or not recipient:
        raise RequestInvalid(msg("api-item-id-invalid", value=text))
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


def message_data(message: Message | str | None) -> dict[str, Any] | None:
    """``{code, params}`` of a message, for a program to render; None for a sentence or nothing."""
    return message.to_json() if isinstance(message, Message) else None


def said(message: Message | str | None, language: Language) -> str | None:
    return None if message is None else render(message, language)


def spoken(data: Mapping[str, Any], language: Language) -> dict[str, Any]:
    """``data`` (a report's ``to_dict``) with each message in it rendered in ``language``, its
    code and parameters beside it as ``<key>_message``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Message):
            out[key] = render(value, language)
            out[f"{key}_message"] = value.to_json()
        else:
            out[key] = value
    return out
