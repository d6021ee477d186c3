"""What the client commands print for people: times in Vietnam's zone (+07:00) as ``node trace``
shows them, and ids whole, each on a line of its own so that it can be copied."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table

from lienthong._i18n import tr
from lienthong.client import DocumentView, InboxItem, OutboxMessage, Sent, TimelineStep
from lienthong.edxml import VIETNAM_TZ


def local(value: datetime | None) -> str:
    """``value`` in Vietnam's time, to the second, offset shown; empty for None."""
    return "" if value is None else value.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")


def _state(item: InboxItem) -> str:
    if item.status_sent is not None:
        return tr(f"đã báo {item.status_sent}", f"reported {item.status_sent}")
    if item.acknowledged is not None:
        return tr("đã xác nhận", "acknowledged")
    return tr("chưa đọc", "unread")


def _sender(code: str, name: str | None) -> str:
    return f"{code} ({name})" if name else code


def _title(item: InboxItem) -> str:
    if item.kind != "document":
        return tr("[gói trạng thái]", "[status package]")
    code = f"{item.number}/{item.notation}" if item.number and item.notation else ""
    return " — ".join(part for part in (code, item.subject or "") if part)


def inbox_lines(items: list[InboxItem]) -> list[str]:
    """Three lines per item: its id alone, what it is, who sent it when and where it stands."""
    if not items:
        return [tr("Không có văn bản đến.", "No received documents.")]
    lines = []
    for item in items:
        lines.append(item.id)
        lines.append(f"    {_title(item)}")
        lines.append(
            "    "
            + tr(
                f"từ {_sender(item.sender, item.sender_name)} tới {item.recipient}; "
                f"nhận {local(item.received_at)}; {_state(item)}",
                f"from {_sender(item.sender, item.sender_name)} to {item.recipient}; "
                f"received {local(item.received_at)}; {_state(item)}",
            )
        )
    return lines


def outbox_table(message: OutboxMessage) -> Table:
    table = Table(title=tr(f"Văn bản đi từ {message.sender}", f"Sent by {message.sender}"))
    for column in (tr("nơi nhận", "recipient"), tr("chuyển", "delivery"), tr("trạng thái", "status"),
                   tr("lúc", "at")):  # fmt: skip
        table.add_column(column)
    for r in message.recipients:
        table.add_row(
            r.recipient, r.delivery, r.business_status or "", local(r.business_status_at or r.delivered_at)
        )
    return table


def _timeline(steps: list[TimelineStep]) -> str:
    return "\n".join(f"{local(s.timestamp)} {s.reporter} {s.status_code} {s.label}" for s in steps)


def _signature(signature: dict[str, Any]) -> str:
    if signature.get("valid"):
        return tr(f"hợp lệ ({signature.get('signer')})", f"valid ({signature.get('signer')})")
    return tr(f"KHÔNG hợp lệ: {signature.get('problem')}", f"NOT valid: {signature.get('problem')}")


def _attachments(view: DocumentView) -> str:
    files = view.package.get("attachments") or []
    return "\n".join(f"{a.get('name')} ({a.get('content_type')}, {a.get('size')} B)" for a in files)


def received_table(view: DocumentView) -> Table:
    """A received document as rows of label and value (its id is printed above, whole)."""
    item, package = view.item, view.package
    number = package.get("code_number")
    rows = [
        (tr("số, ký hiệu", "number"), f"{number}/{package.get('code_notation')}" if number else ""),
        (tr("trích yếu", "subject"), package.get("subject") or ""),
        (tr("từ", "from"), _sender(item.sender, item.sender_name)),
        (tr("tới", "to"), item.recipient),
        (tr("nhận lúc", "received"), local(item.received_at)),
        (tr("tình trạng", "state"), _state(item)),
        (tr("chữ ký gói tin", "package signature"), _signature(view.signature)),
        (tr("tệp đính kèm", "attachments"), _attachments(view)),
        (tr("diễn biến", "timeline"), _timeline(view.timeline)),
        ("document_id", item.document_id),
    ]
    table = Table(show_header=False, box=None)
    for label, value in rows:
        if value:
            table.add_row(label, value)
    return table


def sent_line(sent: Sent) -> str:
    return tr(
        f"Đã gửi tới {', '.join(sent.recipients)}; message_id:\n{sent.message_id}",
        f"Sent to {', '.join(sent.recipients)}; message_id:\n{sent.message_id}",
    )
