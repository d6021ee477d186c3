"""Văn bản đến: what the console reads and does on documents received for a user's codes.

Synchronous functions over the node's store (the routes run them in worker threads). Statuses
obey ``lienthong.api.check_status``; a status travels as a package the node signs and sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from lienthong._i18n import Message, msg
from lienthong.api import check_status
from lienthong.console._arrival import Arrival, proposal, registered
from lienthong.edxml import (
    Attachment,
    DocumentPackage,
    Organization,
    ResponseFor,
    StatusCode,
    StatusPackage,
    parse_package,
    write_package,
)
from lienthong.errors import LienthongError
from lienthong.evidence import bundle_name
from lienthong.node import Node, Submission, purged, status_message_id, submit, visible_steps
from lienthong.store import (
    ApiStore,
    ArrivalEntry,
    Direction,
    InboxItem,
    NodeAudit,
    NodeStore,
    PackageKind,
    StatusEntry,
)
from lienthong.trust import AttachmentSignatures, VerificationReport, verify_attachments, verify_package


class NotFound(LienthongError):
    """Raised when a document is not among those the user may see."""


class Archived(LienthongError):
    """Raised when a document's payload left the node (archived, then purged by retention)."""


@dataclass(frozen=True, slots=True)
class Detail:
    """A received document with its checks and its timeline at this recipient."""

    item: InboxItem
    package: DocumentPackage
    signature: VerificationReport
    attachments: tuple[AttachmentSignatures, ...]
    #: Why the PDFs could not be checked (shown in the page's language), if they could not.
    attachments_problem: Message | str | None
    timeline: tuple[StatusEntry, ...]
    sent: frozenset[StatusCode]
    recall_requested: bool
    #: Who of this node's console users sent each step of ``timeline`` ("" for none of them).
    actors: tuple[str, ...] = ()
    #: The document's entry in its agency's incoming register, once registered (status 03).
    arrival: ArrivalEntry | None = None
    #: What the 03 form proposes: the register's next number, today.
    proposed: Arrival | None = None

    def allowed(self, code: StatusCode) -> bool:
        try:
            check_status(code, sent=self.sent, recall_requested=self.recall_requested, description="-")
        except LienthongError:
            return False
        return True


def item_id(item: InboxItem) -> str:
    return f"{item.entry.message_id}-{item.entry.recipient}"


def _package(node: Node, item: InboxItem) -> bytes:
    entry = purged(node.database, item.entry.message_id)
    if entry is not None:  # said as such, with where it went, not as a missing blob
        raise Archived(
            msg(
                "console-document-archived",
                date=entry.archived_at.date().isoformat(),
                bundle=bundle_name(entry.message_id),
            )
        )
    return b"".join(node.blobs.read_verified(item.entry.package_sha256))


def _history(
    timeline: Sequence[StatusEntry], reporter: str, sender: str
) -> tuple[frozenset[StatusCode], bool]:
    sent: set[StatusCode] = set()
    recall = False
    for step in timeline:
        code = _code(step.status_code)
        if code is None:
            continue
        if step.direction is Direction.OUT and step.reporter == reporter:
            sent.add(code)
        if step.direction is Direction.IN and step.reporter == sender and code is StatusCode.RECALL_REQUESTED:
            recall = recall or step.addressee == reporter
    return frozenset(sent), recall


def _code(text: str) -> StatusCode | None:
    try:
        return StatusCode(text)
    except ValueError:
        return None


def find(node: Node, codes: Sequence[str], text: str) -> InboxItem:
    """The received document ``text`` (``<message id>-<recipient>``) if for one of ``codes``."""
    message_id, _, recipient = text.partition("-")
    if recipient not in codes or len(message_id) != 64:
        raise NotFound(msg("console-document-unknown"))
    with ApiStore.begin(node.database) as store:
        found = store.inbox_items(
            recipients=(recipient,), message_id=message_id, kind=PackageKind.DOCUMENT, limit=1
        )
    if not found:
        raise NotFound(msg("console-document-unknown"))
    return found[0]


def detail(node: Node, item: InboxItem, *, at: datetime) -> Detail:
    data = _package(node, item)
    package = parse_package(data, limits=node.limits)
    assert isinstance(package, DocumentPackage)
    report = verify_package(data, anchors=node.anchors, crls=node.crls, at=at)
    problem = None
    try:
        attachments = tuple(verify_attachments(data, anchors=node.anchors, crls=node.crls, at=at))
    except LienthongError as exc:  # an unreadable PDF is reported, never fatal
        attachments, problem = (), exc.message
    with NodeStore.begin(node.database, write=False) as store:
        timeline = store.timeline(item.entry.document_id, sender=item.entry.sender)
    sent, recall = _history(timeline, item.entry.recipient, item.entry.sender)
    steps = visible_steps(timeline, item.entry.recipient)
    recipient = item.entry.recipient
    return Detail(
        item,
        package,
        report,
        attachments,
        problem,
        steps,
        sent,
        recall,
        actors=_actors(node, steps, recipient),
        arrival=registered(node, recipient, item.entry.message_id),
        proposed=proposal(node, recipient, at=at),
    )


def _actors(node: Node, steps: Sequence[StatusEntry], recipient: str) -> tuple[str, ...]:
    """Who sent each of ``steps`` from this console: the audit entries of their status
    messages, read in one query; steps sent otherwise (REST, another node) name nobody."""
    ids = [
        status_message_id(s.reporter, s.document_id, s.status_code, s.timestamp)
        if s.direction is Direction.OUT and s.reporter == recipient
        else ""
        for s in steps
    ]
    with NodeAudit.begin(node.database) as audit:
        found = audit.latest_for("status-sent", [i for i in ids if i])
    return tuple(found[i].actor if i in found else "" for i in ids)


def attachment(node: Node, item: InboxItem, content_id: str) -> Attachment:
    package = parse_package(_package(node, item), limits=node.limits)
    if isinstance(package, DocumentPackage):
        for found in package.attachments:
            if found.content_id == content_id:
                return found
    raise NotFound(msg("console-attachment-unknown", content_id=content_id))


def send_status(
    node: Node, item: InboxItem, code: StatusCode, description: str | None, *, at: datetime
) -> Submission:
    """Report ``code`` on ``item`` from the code it was received for; raises ``ApiError``s
    (``StatusOutOfOrder``, ``RequestInvalid``) when the rules forbid it."""
    entry = item.entry
    with NodeStore.begin(node.database, write=False) as store:
        timeline = store.timeline(entry.document_id, sender=entry.sender)
    sent, recall = _history(timeline, entry.recipient, entry.sender)
    check_status(code, sent=sent, recall_requested=recall, description=description)
    package = StatusPackage(
        from_=Organization(organ_id=entry.recipient),
        response_for=ResponseFor(organ_id=entry.sender, document_id=entry.document_id),
        status_code=code,
        timestamp=at.replace(microsecond=0),
        description=description or None,
    )
    return submit(node, write_package(package), at=at)
