"""Văn bản đi: compose (PDFs signed with the agency's key), submit, and follow each recipient.

The form is checked field by field: every problem comes back keyed by the field it belongs to,
so the page can show it next to that field. Signing and building are CPU work: routes run these
functions in worker threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lienthong._i18n import Message, msg
from lienthong.codes import is_valid_code
from lienthong.console._web import agency_names
from lienthong.console._words import moment
from lienthong.edxml import (
    BuildError,
    DocumentBuilder,
    DocumentPackage,
    StatusCode,
    parse_package,
    write_package,
)
from lienthong.errors import LienthongError
from lienthong.node import Node, Submission, not_pdfs, sign_pdfs, submit
from lienthong.store import AgencyEntry, ApiStore, Direction, NodeStore, OutboxEntry, PackageKind


@dataclass(frozen=True, slots=True)
class Draft:
    """What the compose form posted."""

    sender: str
    number: str
    notation: str
    subject: str
    to: tuple[str, ...]
    files: tuple[tuple[str, bytes], ...]
    promulgated_on: str = ""
    place: str = ""
    sign: bool = True


@dataclass(frozen=True, slots=True)
class Outcome:
    """A submission, or the problems by field name (``form`` for the whole), as messages the
    page renders in its language."""

    submission: Submission | None = None
    errors: dict[str, Message | str] = field(default_factory=dict)


def recipients(node: Node, *, at: datetime, query: str = "") -> list[AgencyEntry]:
    """Agencies a document can be sent to now, filtered by code prefix or words of the name."""
    words = query.strip().lower()
    found = []
    for entry in node.configuration.content.agencies:
        if words and not (entry.code.lower().startswith(words) or words in (entry.name or "").lower()):
            continue
        try:
            if not node.configuration.route(entry.code, at=at).deliverable:
                continue
        except LienthongError:
            continue
        found.append(entry)
    return sorted({e.code: e for e in found}.values(), key=lambda e: e.code)


def _check(
    node: Node, draft: Draft, codes: Sequence[str], at: datetime
) -> tuple[dict[str, Message | str], date | None]:
    errors: dict[str, Message | str] = {}
    if draft.sender not in codes:
        errors["sender"] = msg("console-sender-missing")
    elif draft.sign and draft.sender not in node.signers:
        errors["sender"] = msg("console-sender-key-missing")
    for name, value, missing in (
        ("number", draft.number, msg("console-number-missing")),
        ("notation", draft.notation, msg("console-notation-missing")),
        ("subject", draft.subject, msg("console-subject-missing")),
    ):
        if not value:
            errors[name] = missing
    on = None
    if draft.promulgated_on:
        try:
            on = date.fromisoformat(draft.promulgated_on)
        except ValueError:
            errors["promulgated_on"] = msg("console-date-invalid")
    deliverable = {e.code for e in recipients(node, at=at)}
    bad = [c for c in draft.to if not is_valid_code(c) or c not in deliverable]
    if not draft.to:
        errors["to"] = msg("console-recipient-missing")
    elif bad:
        errors["to"] = msg("console-recipients-undeliverable", codes=", ".join(bad))
    if not draft.files:
        errors["files"] = msg("console-files-missing")
    elif names := ", ".join(not_pdfs(draft.files)):
        errors["files"] = msg("console-files-not-pdf", names=names)
    return errors, on


def compose(node: Node, draft: Draft, *, codes: Sequence[str], at: datetime) -> Outcome:
    """Check ``draft``, sign its PDFs with the sender's key, build the package and submit it."""
    errors, on = _check(node, draft, codes, at)
    if errors:
        return Outcome(errors=errors)
    files = list(draft.files)
    if draft.sign:
        try:
            files = sign_pdfs(
                node,
                draft.sender,
                files,
                reason=draft.subject[:100],
                number=f"{draft.number}/{draft.notation}",
                agency_name=agency_names(node).get(draft.sender),
            )
        except LienthongError as exc:
            return Outcome(errors={"files": exc.message})
    try:
        builder = DocumentBuilder().sender(draft.sender, name=agency_names(node).get(draft.sender))
        builder = builder.code(draft.number, draft.notation).subject(draft.subject)
        if on is not None:
            builder = builder.promulgation(on=on, place=draft.place or None)
        for code in dict.fromkeys(draft.to):
            builder = builder.recipient(code, name=agency_names(node).get(code))
        for name, data in files:
            builder = builder.attach(name, data, content_type="application/pdf")
        package = builder.build(at=at)
        return Outcome(submission=submit(node, write_package(package), at=at))
    except BuildError as exc:
        return Outcome(errors={"form": exc.message})
    except LienthongError as exc:
        return Outcome(errors={"form": exc.message})


@dataclass(frozen=True, slots=True)
class SentDocument:
    message_id: str
    document_id: str
    sender: str
    subject: str
    created_at: datetime
    recipients: tuple[dict[str, Any], ...]


def sent_documents(node: Node, codes: Sequence[str], *, limit: int = 200) -> list[SentDocument]:
    """Documents sent from ``codes``, newest first."""
    if not codes:
        return []
    with ApiStore.begin(node.database) as store:
        found = store.outbox_messages(senders=codes, limit=10_000)
    documents = []
    for _position, message_id in reversed(found[-limit:]):
        document = sent_document(node, codes, message_id)
        if document is not None:
            documents.append(document)
    return documents


def sent_document(node: Node, codes: Sequence[str], message_id: str) -> SentDocument | None:
    """One document sent from ``codes`` with each recipient's delivery and timeline; None if not."""
    with NodeStore.begin(node.database, write=False) as store:
        entries = store.outbox(message_id=message_id)
        if (
            not entries
            or entries[0].item.kind is not PackageKind.DOCUMENT
            or entries[0].item.sender not in codes
        ):
            return None
        timeline = store.timeline(entries[0].item.document_id, sender=entries[0].item.sender)
    first = entries[0].item
    package = parse_package(b"".join(node.blobs.read_verified(first.package_sha256)), limits=node.limits)
    subject = package.header.subject if isinstance(package, DocumentPackage) else ""
    return SentDocument(
        message_id=first.message_id,
        document_id=first.document_id,
        sender=first.sender,
        subject=subject,
        created_at=entries[0].created_at,
        recipients=tuple(_recipient(entry, timeline) for entry in entries),
    )


def _recipient(entry: OutboxEntry, timeline: Sequence[Any]) -> dict[str, Any]:
    item = entry.item
    steps = [
        {
            "code": s.status_code,
            "label_vi": _label(s.status_code, vi=True),
            "label_en": _label(s.status_code, vi=False),
            "at": s.timestamp.isoformat(),
            "at_text": moment(s.timestamp),
            "description": s.description or "",
        }
        for s in timeline
        if s.direction is Direction.IN and s.reporter in (item.recipient, item.deliver_to)
    ]
    return {
        "recipient": item.recipient,
        "deliver_to": item.deliver_to,
        "delivery": entry.state.value,
        "last_error": str(entry.last_error or ""),
        "steps": steps,
    }


def _label(code: str, *, vi: bool) -> str:
    try:
        status = StatusCode(code)
    except ValueError:
        return code
    return status.label_vi if vi else status.label_en
