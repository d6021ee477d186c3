"""The sender's side: send documents (a package, or metadata plus files), recall, update and
replace them, and follow each recipient's delivery and business status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lienthong._i18n import Language, msg
from lienthong.api._context import ApiContext
from lienthong.api._errors import DocumentUnknown, RequestInvalid, UploadTooLarge
from lienthong.api._inbox import status_package
from lienthong.api._models import OutboxMessage, OutboxPage, RecipientState, Sent
from lienthong.api._scope import codes_in_scope, may_see, require_code
from lienthong.api._views import message_data, said, step_model
from lienthong.edxml import (
    BuildError,
    BusinessType,
    DocumentBuilder,
    DocumentPackage,
    Package,
    SignerInfo,
    StatusCode,
    write_package,
)
from lienthong.node import PackageSource, Submission, intake_for, package_source, sign_pdfs, submit
from lienthong.store import ApiClientEntry, ApiStore, Direction, NodeStore, OutboxEntry, PackageKind


def check_size(ctx: ApiContext, size: int, *, limit: int | None = None) -> None:
    """Raise ``UploadTooLarge`` if ``size`` exceeds ``limit`` (``ctx.max_upload`` if not given:
    pass it when checking chunk after chunk)."""
    limit = ctx.max_upload if limit is None else limit
    if size > limit:
        raise UploadTooLarge(msg("api-upload-over-limit", size=size, limit=limit))


def parse_upload(ctx: ApiContext, data: bytes | PackageSource) -> Package:
    """The package uploaded (attachments measured, not kept; a spooled one read as a stream);
    raises ``PackageRejected``."""
    source = package_source(data)
    check_size(ctx, source.size)
    return source.parse(ctx.node.limits)


def sent(submission: Submission) -> Sent:
    return Sent(
        message_id=submission.message_id,
        document_id=submission.document_id,
        package_sha256=submission.package_sha256,
        recipients=[entry.item.recipient for entry in submission.entries],
        repeated=submission.repeated,
    )


def send_package(
    ctx: ApiContext, client: ApiClientEntry, data: bytes | PackageSource, *, package: Package | None = None
) -> Submission:
    """Submit an edXML package (document or status) from a code of ``client``; ``package``: what
    ``parse_upload`` read from ``data`` (parsed once, whoever parses it)."""
    source = package_source(data)
    if package is None:
        package = parse_upload(ctx, source)
    require_code(client, package.from_code)
    # Grouped with the other requests submitting now: one transaction and one fsync round for all.
    node = ctx.node
    return intake_for(node.database).submit(node, source, at=ctx.clock(), package=package)


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """Metadata from which the node builds a document package."""

    sender: str
    to: tuple[str, ...]
    number: str
    notation: str
    subject: str
    sender_name: str | None = None
    content: str | None = None
    promulgated_on: date | None = None
    place: str | None = None
    acts_on: tuple[str, BusinessType] | None = None
    reason: str | None = None
    signer: SignerInfo | None = None
    #: Each attachment must be a PDF, which the node signs with the sender's key before building.
    sign_pdf: bool = False


def build_and_send(
    ctx: ApiContext, client: ApiClientEntry, facts: DocumentFacts, files: Sequence[tuple[str, str, bytes]]
) -> Submission:
    """Build a document from ``facts`` and ``files`` (name, content type, bytes), sign, submit."""
    require_code(client, facts.sender)
    check_size(ctx, sum(len(data) for _, _, data in files))
    at = ctx.clock()
    if facts.sign_pdf:
        pdfs = sign_pdfs(
            ctx.node,
            facts.sender,
            [(name, data) for name, _, data in files],
            reason=facts.subject[:100],
            number=f"{facts.number}/{facts.notation}",
            agency_name=facts.sender_name,
        )
        files = [(name, "application/pdf", data) for name, data in pdfs]
    try:
        builder = DocumentBuilder().sender(facts.sender, name=facts.sender_name)
        builder = builder.code(facts.number, facts.notation).subject(facts.subject)
        if facts.content:
            builder = builder.content(facts.content)
        if (signer := facts.signer) is not None and signer.full_name:
            builder = builder.signer(signer.full_name, position=signer.position, competence=signer.competence)
        if facts.promulgated_on is not None:
            builder = builder.promulgation(on=facts.promulgated_on, place=facts.place)
        for code in facts.to:
            builder = builder.recipient(code)
        if facts.acts_on is not None:
            builder = builder.acts_on(facts.acts_on[0], facts.acts_on[1], reason=facts.reason)
        for name, content_type, data in files:
            builder = builder.attach(name, data, content_type=content_type)
        package = builder.build(at=at)
    except BuildError as exc:
        raise RequestInvalid(exc.message) from exc
    return submit(ctx.node, write_package(package), at=at)


def sent_document(ctx: ApiContext, client: ApiClientEntry, message_id: str) -> list[OutboxEntry]:
    """The outbox rows of a document sent by a code of ``client``."""
    with NodeStore.begin(ctx.node.database, write=False) as store:
        entries = store.outbox(message_id=message_id)
    first = entries[0].item if entries else None
    if first is None or first.kind is not PackageKind.DOCUMENT or not may_see(client, first.sender):
        raise DocumentUnknown(msg("api-sent-document-unknown", message_id=message_id))
    return entries


def recall(ctx: ApiContext, client: ApiClientEntry, message_id: str, reason: str) -> Submission:
    """Ask the recipients to give the document back (status 13); they answer 15 or 16."""
    entries = sent_document(ctx, client, message_id)
    item = entries[0].item
    data = status_package(
        item.sender, item.sender, item.document_id, StatusCode.RECALL_REQUESTED, reason, ctx.clock()
    )
    return submit(ctx.node, data, at=ctx.clock())


def earlier_for(
    ctx: ApiContext, client: ApiClientEntry, message_id: str, business: BusinessType
) -> tuple[str, BusinessType]:
    """What an update or replacement of ``message_id`` acts on; its recipients come from it."""
    entries = sent_document(ctx, client, message_id)
    return entries[0].item.document_id, business


def outbox_message(ctx: ApiContext, entries: list[OutboxEntry], language: Language = "vi") -> OutboxMessage:
    """A sent document and each recipient's state, the reasons in ``language`` and as data."""
    first = entries[0].item
    with NodeStore.begin(ctx.node.database, write=False) as store:
        timeline = store.timeline(first.document_id, sender=first.sender)
        receipts = {
            (r.message_id, r.recipient): r
            for r in store.receipts(message_ids=[first.message_id])
            if r.direction is Direction.IN and r.accepted
        }
    recipients = []
    for entry in entries:
        item = entry.item
        answers = [
            s
            for s in timeline
            if s.direction is Direction.IN and s.reporter in (item.recipient, item.deliver_to)
        ]
        last = answers[-1] if answers else None
        receipt = receipts.get((item.message_id, item.deliver_to))
        last_error = entry.last_error
        recipients.append(
            RecipientState(
                recipient=item.recipient,
                deliver_to=item.deliver_to,
                delivery=entry.state.value,
                attempts=entry.attempts,
                last_error=said(last_error, language),
                last_error_message=message_data(last_error),
                delivered_at=receipt.at if receipt is not None else None,
                business_status=last.status_code if last is not None else None,
                business_status_at=last.timestamp if last is not None else None,
            )
        )
    return OutboxMessage(
        message_id=first.message_id,
        document_id=first.document_id,
        kind=first.kind.value,
        sender=first.sender,
        created_at=entries[0].created_at,
        recipients=recipients,
        timeline=[step_model(step) for step in timeline],
    )


def list_outbox(
    ctx: ApiContext,
    client: ApiClientEntry,
    *,
    agency: str | None = None,
    cursor: int = 0,
    limit: int = 100,
    language: Language = "vi",
) -> OutboxPage:
    senders = codes_in_scope(client, agency)
    limit = max(1, min(limit, ctx.settings.max_page))
    with ApiStore.begin(ctx.node.database) as store:
        found = store.outbox_messages(senders=senders, after=cursor, limit=limit)
    messages = []
    for _position, message_id in found:
        with NodeStore.begin(ctx.node.database, write=False) as store:
            entries = store.outbox(message_id=message_id)
        messages.append(outbox_message(ctx, entries, language))
    next_cursor = found[-1][0] if len(found) == limit else None
    return OutboxPage(items=messages, next_cursor=next_cursor)


def is_document(package: Package) -> bool:
    return isinstance(package, DocumentPackage)
