"""What the client commands print for people: times in Vietnam's zone (+07:00) as ``node trace``
shows them, and ids whole, each on a line of its own so that it can be copied."""

from __future__ import annotations

from datetime import datetime

from rich.table import Table

from lienthong._i18n import Message, language, render, say
from lienthong.client import DocumentView, InboxItem, OutboxMessage, Sent, SignatureReport, TimelineStep
from lienthong.edxml import VIETNAM_TZ


def local(value: datetime | None) -> str:
    """``value`` in Vietnam's time, to the second, offset shown; empty for None."""
    return "" if value is None else value.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")


def _state(item: InboxItem) -> str:
    if item.status_sent is not None:
        return say("cli-inbox-reported", status=item.status_sent)
    if item.acknowledged is not None:
        return say("cli-inbox-acknowledged")
    return say("cli-inbox-unread")


def _sender(code: str, name: str | None) -> str:
    return f"{code} ({name})" if name else code


def _title(item: InboxItem) -> str:
    if item.kind != "document":
        return say("cli-inbox-status-package")
    code = f"{item.number}/{item.notation}" if item.number and item.notation else ""
    return " — ".join(part for part in (code, item.subject or "") if part)


def inbox_lines(items: list[InboxItem]) -> list[str]:
    """Three lines per item: its id alone, what it is, who sent it when and where it stands."""
    if not items:
        return [say("cli-inbox-empty")]
    lines = []
    for item in items:
        lines.append(item.id)
        lines.append(f"    {_title(item)}")
        lines.append(
            "    "
            + say(
                "cli-inbox-line",
                sender=_sender(item.sender, item.sender_name),
                recipient=item.recipient,
                received=local(item.received_at),
                state=_state(item),
            )
        )
    return lines


def reason(why: Message | str | None) -> str:
    """A refusal's or a failure's reason in the CLI's language: a message rendered, an older
    node's (or receipt's) sentence as it is."""
    return "" if why is None else render(why, language())


def outbox_table(message: OutboxMessage) -> Table:
    """One row per recipient; a column of reasons when a delivery failed or was refused."""
    table = Table(title=say("cli-outbox-title", sender=message.sender))
    reasons = [reason(r.why) for r in message.recipients]
    shown = any(reasons)
    table.add_column(say("cli-outbox-recipient"))
    table.add_column(say("cli-outbox-delivery"))
    table.add_column(say("cli-outbox-status"))
    table.add_column(say("cli-outbox-at"))
    if shown:
        table.add_column(say("cli-outbox-reason"))
    for r, why in zip(message.recipients, reasons, strict=True):
        at = local(r.business_status_at or r.delivered_at)
        table.add_row(r.recipient, r.delivery, r.business_status or "", at, *([why] if shown else []))
    return table


def _timeline(steps: list[TimelineStep]) -> str:
    return "\n".join(f"{local(s.timestamp)} {s.reporter} {s.status_code} {s.label}" for s in steps)


def _signature(signature: SignatureReport) -> str:
    if signature.valid:
        return say("cli-signature-valid", signer=signature.signer)
    return say("cli-signature-invalid", problem=reason(signature.why))


def _attachments(view: DocumentView) -> str:
    files = view.package.attachments
    return "\n".join(f"{a.name} ({a.content_type}, {a.size} B)" for a in files)


def received_table(view: DocumentView) -> Table:
    """A received document as rows of label and value (its id is printed above, whole)."""
    item, package = view.item, view.package
    rows = [
        (say("cli-received-number"), package.code or ""),
        (say("cli-received-subject"), package.subject or ""),
        (say("cli-received-from"), _sender(item.sender, item.sender_name)),
        (say("cli-received-to"), item.recipient),
        (say("cli-received-at"), local(item.received_at)),
        (say("cli-received-state"), _state(item)),
        (say("cli-received-signature"), _signature(view.signature)),
        (say("cli-received-attachments"), _attachments(view)),
        (say("cli-received-timeline"), _timeline(view.timeline)),
        ("document_id", item.document_id),
    ]
    table = Table(show_header=False, box=None)
    for label, value in rows:
        if value:
            table.add_row(label, value)
    return table


def sent_line(sent: Sent) -> str:
    return say("cli-sent-line", recipients=", ".join(sent.recipients), message_id=sent.message_id)
