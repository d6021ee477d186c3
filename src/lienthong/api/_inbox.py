"""The recipient's side: list, read, acknowledge received packages and report statuses on them.

Synchronous functions over the node's store (the routes run them in worker threads): parsing,
verifying and signing are CPU work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lienthong._i18n import Language, msg
from lienthong.api._context import ApiContext
from lienthong.api._errors import DocumentArchived, DocumentUnknown, RequestInvalid
from lienthong.api._models import DocumentView, InboxItemModel, InboxPage
from lienthong.api._rules import check_status
from lienthong.api._scope import codes_in_scope, may_see
from lienthong.api._views import inbox_model, parse_item_id, spoken, step_model
from lienthong.edxml import (
    Attachment,
    DigestSink,
    DocumentPackage,
    Organization,
    Package,
    ResponseFor,
    StatusCode,
    StatusPackage,
    package_to_dict,
    parse_package,
    write_package,
)
from lienthong.errors import LienthongError
from lienthong.evidence import bundle_name
from lienthong.node import BlobSink, Submission, purged, submit, visible_steps
from lienthong.store import (
    ApiClientEntry,
    ApiStore,
    BlobNotFound,
    Direction,
    InboxItem,
    NodeStore,
    PackageKind,
    StatusEntry,
)
from lienthong.trust import VerificationReport, verify_attachments, verify_package, verify_package_stream


def list_inbox(
    ctx: ApiContext,
    client: ApiClientEntry,
    *,
    agency: str | None = None,
    kind: PackageKind | None = None,
    sender: str | None = None,
    acknowledged: bool | None = None,
    cursor: int = 0,
    limit: int = 100,
) -> InboxPage:
    codes = codes_in_scope(client, agency)
    limit = max(1, min(limit, ctx.settings.max_page))
    with ApiStore.begin(ctx.node.database) as store:
        items = store.inbox_items(
            recipients=codes, after=cursor, limit=limit, kind=kind, sender=sender, acknowledged=acknowledged
        )
    next_cursor = items[-1].position if len(items) == limit else None
    with NodeStore.begin(ctx.node.database, write=False) as node_store:
        listed = [_described(ctx, node_store, item) for item in items]
    return InboxPage(items=listed, next_cursor=next_cursor)


def _described(ctx: ApiContext, store: NodeStore, item: InboxItem) -> InboxItemModel:
    """The item with what a person recognises it by.

    The node does not store the header at receipt, so each listed document's package is parsed
    here (streamed from its blob, attachments only digested): once per item per listing."""
    entry = item.entry
    if entry.kind is not PackageKind.DOCUMENT:
        return inbox_model(item)
    try:
        with ctx.node.blobs.open(entry.package_sha256) as stream:
            package = parse_package(stream, sink=DigestSink(), limits=ctx.node.limits)
    except BlobNotFound:  # archived and purged: listed without what only its package says
        return inbox_model(item)
    return with_header(item, package, store.timeline(entry.document_id, sender=entry.sender))


def require_payload(ctx: ApiContext, item: InboxItem) -> None:
    """Raise ``DocumentArchived`` (410) when the item's document was archived and purged: the
    answer says when, and the bundle's name in the archive, rather than a missing blob."""
    entry = purged(ctx.node.database, item.entry.message_id)
    if entry is not None:
        raise DocumentArchived(
            msg(
                "api-document-archived",
                document=item.entry.document_id,
                date=entry.archived_at.date().isoformat(),
                bundle=bundle_name(entry.message_id),
            )
        )


def with_header(item: InboxItem, package: Package, steps: Iterable[StatusEntry]) -> InboxItemModel:
    """``item`` as the API shows it, with its document's subject, number, notation and sender's
    name, and the last status its recipient reported (of ``steps``, the document's timeline)."""
    model = inbox_model(item)
    if not isinstance(package, DocumentPackage):
        return model
    recipient = item.entry.recipient
    reported = [s.status_code for s in steps if s.direction is Direction.OUT and s.reporter == recipient]
    header = package.header
    return model.model_copy(
        update={
            "subject": header.subject,
            "number": header.code.number,
            "notation": header.code.notation,
            "sender_name": header.from_.organ_name,
            "status_sent": reported[-1] if reported else None,
        }
    )


def find_item(ctx: ApiContext, client: ApiClientEntry, item_id: str) -> InboxItem:
    """The received item ``item_id`` names, for a code of ``client``."""
    message_id, recipient = parse_item_id(item_id)
    found = []
    if may_see(client, recipient):
        with ApiStore.begin(ctx.node.database) as store:
            found = store.inbox_items(recipients=(recipient,), message_id=message_id, limit=1)
    if not found:
        raise DocumentUnknown(msg("api-received-item-unknown", item_id=item_id))
    return found[0]


def package_bytes(ctx: ApiContext, item: InboxItem) -> bytes:
    require_payload(ctx, item)
    return b"".join(ctx.node.blobs.read_verified(item.entry.package_sha256))


def package_chunks(ctx: ApiContext, item: InboxItem) -> Iterable[bytes]:
    require_payload(ctx, item)  # now, before the response starts streaming
    return ctx.node.blobs.read_verified(item.entry.package_sha256)


def document_view(ctx: ApiContext, item: InboxItem, language: Language = "vi") -> DocumentView:
    """The received package, its signature and its PDFs' signatures checked, in ``language``."""
    node = ctx.node
    at = ctx.clock()
    require_payload(ctx, item)
    if node.blobs.size(item.entry.package_sha256) > node.limits.in_memory_bytes:
        package, report, attachments = _large_view(ctx, item, at)
    else:
        data = package_bytes(ctx, item)
        package = parse_package(data, limits=node.limits)
        report = verify_package(data, anchors=node.anchors, crls=node.crls, at=at)
        try:
            checked = verify_attachments(data, anchors=node.anchors, crls=node.crls, at=at)
            attachments = [found.to_dict(language) for found in checked]
        except LienthongError as exc:  # an unreadable PDF is reported, never fatal
            attachments = [{"valid": False, "problem": exc.message}]
    entry = item.entry
    with NodeStore.begin(node.database, write=False) as store:
        steps = store.timeline(entry.document_id, sender=entry.sender)
    # The sender's document only, and only the steps its recipient here may see.
    timeline = visible_steps(steps, entry.recipient)
    return DocumentView.model_validate(
        {
            "item": with_header(item, package, steps),
            "package": package_to_dict(package, language=language),
            "signature": spoken(report.to_dict(language), language),
            "attachment_signatures": [spoken(found, language) for found in attachments],
            "timeline": [step_model(step) for step in timeline],
        }
    )


def _large_view(
    ctx: ApiContext, item: InboxItem, at: datetime
) -> tuple[Package, VerificationReport, list[dict[str, Any]]]:
    """A package above the in-memory threshold, read as streams from its blob: attachments
    measured, not kept; their PDF signatures are not checked (that needs each PDF whole)."""
    node = ctx.node
    digest = item.entry.package_sha256
    with node.blobs.open(digest) as stream:
        package = parse_package(stream, sink=DigestSink(), limits=node.limits)
    with node.blobs.open(digest) as stream:
        report = verify_package_stream(stream, anchors=node.anchors, crls=node.crls, at=at)
    problem = msg("api-large-package-pdfs-unchecked")
    return package, report, [{"valid": False, "problem": problem}]


def attachment(ctx: ApiContext, item: InboxItem, content_id: str) -> Attachment:
    """The attachment, its content readable: in memory from a small package; from a large one
    decoded (streaming) into the blob store and read from there."""
    node = ctx.node
    digest = item.entry.package_sha256
    require_payload(ctx, item)
    if node.blobs.size(digest) <= node.limits.in_memory_bytes:
        package = parse_package(package_bytes(ctx, item), limits=node.limits)
    else:
        with node.blobs.open(digest) as stream:
            package = parse_package(stream, sink=BlobSink(node.blobs), limits=node.limits)
    if isinstance(package, DocumentPackage):
        for found in package.attachments:
            if found.content_id == content_id:
                return found
    raise DocumentUnknown(msg("api-attachment-unknown", content_id=content_id), code="attachment-unknown")


def acknowledge(ctx: ApiContext, client: ApiClientEntry, item: InboxItem, *, outcome: str = "done") -> None:
    entry = item.entry
    with ApiStore.begin(ctx.node.database) as store:
        store.acknowledge(
            entry.message_id, entry.recipient, outcome=outcome, client=client.name, at=ctx.clock()
        )


@dataclass(frozen=True, slots=True)
class _History:
    sent: frozenset[StatusCode]
    recall_requested: bool


def _history(ctx: ApiContext, document_id: str, reporter: str, sender: str) -> _History:
    with NodeStore.begin(ctx.node.database, write=False) as store:
        steps = store.timeline(document_id, sender=sender)
    sent = set()
    recall = False
    for step in steps:
        try:
            code = StatusCode(step.status_code)
        except ValueError:
            continue
        if step.direction is Direction.OUT and step.reporter == reporter:
            sent.add(code)
        if step.direction is Direction.IN and step.reporter == sender and code is StatusCode.RECALL_REQUESTED:
            recall = recall or step.addressee == reporter
    return _History(frozenset(sent), recall)


def send_status(ctx: ApiContext, item: InboxItem, code_text: str, description: str | None) -> Submission:
    """Report status ``code_text`` on a received document, from the code it was received for."""
    entry = item.entry
    if entry.kind is not PackageKind.DOCUMENT:
        raise RequestInvalid(msg("api-status-documents-only"))
    try:
        code = StatusCode.parse(code_text)
    except ValueError as exc:
        raise RequestInvalid(msg("api-status-code-unknown", code=code_text)) from exc
    history = _history(ctx, entry.document_id, entry.recipient, entry.sender)
    check_status(code, sent=history.sent, recall_requested=history.recall_requested, description=description)
    return submit(
        ctx.node,
        status_package(entry.recipient, entry.sender, entry.document_id, code, description, ctx.clock()),
        at=ctx.clock(),
    )


def status_package(
    reporter: str,
    original_sender: str,
    document_id: str,
    code: StatusCode,
    description: str | None,
    at: datetime,
) -> bytes:
    package = StatusPackage(
        from_=Organization(organ_id=reporter),
        response_for=ResponseFor(organ_id=original_sender, document_id=document_id),
        status_code=code,
        timestamp=at.replace(microsecond=0),
        description=description,
    )
    return write_package(package)
