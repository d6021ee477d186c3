"""Văn bản đi: compose (PDFs signed with the agency's key), submit, and follow each recipient.

The form is checked field by field: every problem comes back keyed by the field it belongs to,
so the page can show it next to that field. Signing and building are CPU work: routes run these
functions in worker threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lienthong._i18n import Message, fold, msg
from lienthong.codes import is_valid_code
from lienthong.console._arrival import today
from lienthong.console._kinds import COMPETENCES, DEFAULT_KIND, KINDS, URGENCIES, kind_for
from lienthong.console._web import agency_names
from lienthong.console._words import moment
from lienthong.edxml import (
    Attachment,
    BuildError,
    BusinessType,
    DocumentBuilder,
    DocumentPackage,
    Organization,
    OtherInfo,
    ResponseFor,
    StatusCode,
    StatusPackage,
    parse_package,
    write_package,
)
from lienthong.errors import LienthongError
from lienthong.node import Node, Submission, not_pdfs, sign_pdfs, submit
from lienthong.store import AgencyEntry, Direction, NodeStore, OutboxEntry, PackageKind


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
    #: A key of ``KINDS``.
    kind: str = DEFAULT_KIND
    #: One of ``COMPETENCES`` or "" (the signer signs in their own name), and for whom.
    competence: str = ""
    on_behalf_of: str = ""
    position: str = ""
    signer_name: str = ""
    #: ``OtherInfo/Priority`` as text: one of ``URGENCIES``.
    urgency: str = "0"
    due_date: str = ""
    #: An update or replacement: the earlier document's message id and the business type.
    acts_on: str = ""
    business: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A submission, or the problems by field name (``form`` for the whole), as messages the
    page renders in its language."""

    submission: Submission | None = None
    errors: dict[str, Message | str] = field(default_factory=dict)


def recipients(
    node: Node, *, at: datetime, query: str = "", exclude: Sequence[str] = ()
) -> list[AgencyEntry]:
    """Agencies a document can be sent to now but ``exclude`` (the sender), filtered by code
    prefix or words of the name, with or without diacritics."""
    words = fold(query.strip())
    found = []
    for entry in node.configuration.content.agencies:
        if entry.code in exclude:
            continue
        if words and not (entry.code.lower().startswith(words) or words in fold(entry.name or "")):
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
    elif draft.sender in draft.to:
        errors["to"] = msg("console-recipient-is-sender")
    elif bad:
        errors["to"] = msg("console-recipients-undeliverable", codes=", ".join(bad))
    errors |= _check_signer(draft)
    if draft.kind not in KINDS:
        errors["kind"] = msg("console-kind-unknown")
    if draft.urgency not in {str(u) for u in URGENCIES}:
        errors["urgency"] = msg("console-urgency-unknown")
    if draft.due_date:
        try:
            if date.fromisoformat(draft.due_date) < today(at):
                errors["due_date"] = msg("console-due-date-past")
        except ValueError:
            errors["due_date"] = msg("console-date-invalid")
    if not draft.files:
        errors["files"] = msg("console-files-missing")
    elif names := ", ".join(not_pdfs(draft.files)):
        errors["files"] = msg("console-files-not-pdf", names=names)
    return errors, on


def _check_signer(draft: Draft) -> dict[str, Message | str]:
    errors: dict[str, Message | str] = {}
    if draft.competence and draft.competence not in COMPETENCES:
        errors["competence"] = msg("console-competence-unknown")
    elif draft.competence and not draft.on_behalf_of:
        errors["on_behalf_of"] = msg("console-on-behalf-missing")
    elif draft.on_behalf_of and not draft.competence:
        errors["competence"] = msg("console-competence-missing")
    if (draft.position or draft.competence) and not draft.signer_name:
        errors["signer_name"] = msg("console-signer-name-missing")
    return errors


def compose(node: Node, draft: Draft, *, codes: Sequence[str], at: datetime) -> Outcome:
    """Check ``draft``, sign its PDFs with the sender's key, build the package and submit it."""
    errors, on = _check(node, draft, codes, at)
    earlier = None
    if draft.acts_on:
        earlier = sent_document(node, codes, draft.acts_on)
        if earlier is None or draft.business not in (BusinessType.UPDATE, BusinessType.REPLACE):
            errors["form"] = msg("console-document-unknown")
        elif draft.sender != earlier.sender:  # the recipient links it by its sender's code
            errors["sender"] = msg("console-sender-not-earlier", code=earlier.sender)
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
    names = agency_names(node)
    try:
        builder = DocumentBuilder().sender(draft.sender, name=names.get(draft.sender))
        builder = builder.code(draft.number, draft.notation).subject(draft.subject)
        kind = KINDS[draft.kind]
        builder = builder.document_type(kind.name, type=kind.type, type_detail=kind.type_detail)
        if draft.signer_name:
            competence = f"{draft.competence} {draft.on_behalf_of}" if draft.competence else None
            builder = builder.signer(
                draft.signer_name, position=draft.position or None, competence=competence
            )
        if draft.urgency != "0":
            builder = builder.other_info(OtherInfo(priority=int(draft.urgency)))
        if draft.due_date:
            builder = builder.due_date(date.fromisoformat(draft.due_date))
        if on is not None:
            builder = builder.promulgation(on=on, place=draft.place or None)
        for code in dict.fromkeys(draft.to):
            builder = builder.recipient(code, name=names.get(code))
        if earlier is not None:
            business = BusinessType(draft.business)
            builder = builder.acts_on(earlier.document_id, business, reason=draft.reason or None)
        for name, data in files:
            builder = builder.attach(name, data, content_type="application/pdf")
        package = builder.build(at=at)
        return Outcome(submission=submit(node, write_package(package), at=at))
    except BuildError as exc:
        return Outcome(errors={"form": exc.message})
    except LienthongError as exc:
        return Outcome(errors={"form": exc.message})


def prefill(node: Node, codes: Sequence[str], message_id: str, business: int) -> dict[str, Any] | None:
    """The compose form's values for an update or replacement of the sent document
    ``message_id``: its fields and recipients, linked to it; None if not one of ``codes``'."""
    found = sent_document(node, codes, message_id)
    if found is None or found.package is None or business not in (BusinessType.UPDATE, BusinessType.REPLACE):
        return None
    header = found.package.header
    signer = header.signer_info
    competence, _, on_behalf = (signer.competence or "").partition(" ") if signer else ("", "", "")
    if competence not in COMPETENCES:
        competence, on_behalf = "", ""
    priority = header.other_info.priority if header.other_info else None
    kind = header.document_type
    return {
        "sender": found.sender,
        "number": header.code.number,
        "notation": header.code.notation,
        "subject": header.subject,
        "promulgated_on": "",
        "place": header.promulgation.place or "" if header.promulgation else "",
        "kind": kind_for(kind.type_detail or 0, kind.type_name or "") if kind else DEFAULT_KIND,
        "competence": competence,
        "on_behalf_of": on_behalf,
        "position": (signer.position or "") if signer else "",
        "signer_name": (signer.full_name or "") if signer else "",
        "urgency": str(priority) if priority in URGENCIES else "0",
        "due_date": header.due_date.isoformat() if header.due_date else "",
        "to": [r["recipient"] for r in found.recipients],
        "acts_on": message_id,
        "business": str(business),
        "reason": "",
        "sign": True,
    }


def recall(node: Node, codes: Sequence[str], message_id: str, reason: str, *, at: datetime) -> Submission:
    """Ask the recipients of the sent document ``message_id`` to give it back (status 13), as
    the REST API does; they answer 15 or 16. Raises ``NotSent`` or the node's refusal."""
    found = sent_document(node, codes, message_id)
    if found is None:
        raise NotSent(msg("console-document-unknown"))
    package = StatusPackage(
        from_=Organization(organ_id=found.sender),
        response_for=ResponseFor(organ_id=found.sender, document_id=found.document_id),
        status_code=StatusCode.RECALL_REQUESTED,
        timestamp=at.replace(microsecond=0),
        description=reason,
    )
    return submit(node, write_package(package), at=at)


def sent_attachment(node: Node, codes: Sequence[str], message_id: str, content_id: str) -> Attachment:
    found = sent_document(node, codes, message_id)
    for attachment in found.package.attachments if found and found.package else ():
        if attachment.content_id == content_id:
            return attachment
    raise NotSent(msg("console-attachment-unknown", content_id=content_id))


class NotSent(LienthongError):
    """Raised when a sent document (or its attachment) is not among those the user may see."""


@dataclass(frozen=True, slots=True)
class SentDocument:
    message_id: str
    document_id: str
    sender: str
    subject: str
    created_at: datetime
    recipients: tuple[dict[str, Any], ...]
    #: The package as sent (its attachments, type, signer), when the page needs it.
    package: DocumentPackage | None = None


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
        recipients=tuple(_recipient(entry, timeline, agency_names(node)) for entry in entries),
        package=package if isinstance(package, DocumentPackage) else None,
    )


def _recipient(entry: OutboxEntry, timeline: Sequence[Any], names: Mapping[str, str]) -> dict[str, Any]:
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
        # the recipient's statuses, and the sender's own steps towards it (a recall's 13)
        if (s.direction is Direction.IN and s.reporter in (item.recipient, item.deliver_to))
        or (s.direction is Direction.OUT and s.addressee in (item.recipient, item.deliver_to))
    ]
    return {
        "recipient": item.recipient,
        "name": names.get(item.recipient, ""),
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
