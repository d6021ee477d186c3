"""Accepting packages from agencies served here: checked, signed, queued and logged at once.

``submit_many`` takes several at a time (each checked and answered on its own, all written in
one transaction); ``submit`` is a batch of one.

Recipients: a document's ``To`` codes; a status goes where it answers (a recipient's status
to the original's sender, the sender's 13 to the original's recipients), matched by the
document's sender and DocumentId (``ResponseFor``).
A closed code goes to its successor (recorded on the outbox row) or fails with "code closed".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from lienthong._i18n import msg
from lienthong.edxml import DocumentPackage, Package, StatusPackage, validate_package
from lienthong.errors import LienthongError
from lienthong.evidence import LogKind
from lienthong.node._checks import check_fits, check_signature, parse_checked, served_here
from lienthong.node._errors import PackageRefused, Refusal
from lienthong.node._ids import document_key, kind_of, message_id_of
from lienthong.node._index import index_entries
from lienthong.node._node import Node
from lienthong.node._package import PackageSource, package_source
from lienthong.node._recall import apply_recall
from lienthong.node._signing import network_timestamper, sign_source
from lienthong.node._statuses import status_entry
from lienthong.node._trace import stamp as trace_stamp
from lienthong.store import (
    DeliveryState,
    Direction,
    NodeStore,
    OutboxEntry,
    OutboxItem,
    PackageKind,
    replay,
)


@dataclass(frozen=True, slots=True)
class Submission:
    """What the node answered a submission with."""

    message_id: str
    document_id: str
    package_sha256: str
    entries: tuple[OutboxEntry, ...]
    #: True when the very same package had been accepted before.
    repeated: bool = False


#: What ``submit_many`` answers for each package: its submission, or why it was not accepted.
SubmitOutcome = Submission | LienthongError


def submit(node: Node, data: bytes | PackageSource, *, at: datetime) -> Submission:
    """Accept ``data`` (an edXML package from an agency served here) for delivery.

    Signs it with the agency's signer when unsigned, verifies it when signed; raises
    ``PackageRefused`` (or another ``PackageRejected``) when it cannot be accepted. A spooled
    source is moved into the blob store when accepted; the caller still discards it.
    """
    (outcome,) = submit_many(node, [data], at=at)
    if isinstance(outcome, Submission):
        return outcome
    raise outcome


def submit_many(node: Node, sources: Sequence[bytes | PackageSource], *, at: datetime) -> list[SubmitOutcome]:
    """``submit`` for several packages, answered in order: each checked on its own (a refused
    one is answered by its error and harms no other), all accepted in one write transaction
    (one outbox look-up, one log-head lock, one commit) after their blobs are durable."""
    outcomes: list[SubmitOutcome | None] = [None] * len(sources)
    passed: list[tuple[int, Checked]] = []
    try:
        for index, data in enumerate(sources):
            try:
                passed.append((index, check(node, data, at=at)))
            except LienthongError as exc:
                outcomes[index] = exc
        for (index, _), outcome in zip(passed, accept(node, [c for _, c in passed], at=at), strict=True):
            outcomes[index] = outcome
    finally:
        for _, checked in passed:
            checked.discard()
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass(frozen=True, slots=True)
class Checked:
    """A package that passed the checks, ready for ``accept``; ``discard`` it afterwards."""

    source: PackageSource
    package: Package
    message_id: str
    #: The source is a signed copy made here (a spool of ours when large).
    signed: bool = False

    def discard(self) -> None:
        if self.signed:
            self.source.discard()


def check(
    node: Node, data: bytes | PackageSource, *, at: datetime, package: Package | None = None
) -> Checked:
    """The checks of ``submit`` (CPU only, no write): parsed, valid, sender served here, signed
    here when unsigned, signature verified; raises the refusal. ``package``: the caller already
    parsed ``data`` within the node's limits (the API does, to check the client's scope before
    anything is signed): not parsed again."""
    source = package_source(data)
    if package is None:
        package = parse_checked(node, source)
    else:
        check_fits(node, source)
    validate_package(package)
    if not served_here(node, package.from_code, at=at):
        raise PackageRefused(
            msg("node-sender-not-served-here", sender=package.from_code, node=node.name),
            reason=Refusal.NOT_SERVED_HERE,
        )
    if package.signature is not None:
        check_signature(node, source, package, at=at)
        return Checked(source, package, message_id_of(package))
    signer = node.signers.get(package.from_code)
    if signer is None:
        raise PackageRefused(
            msg("node-unsigned-no-signer", sender=package.from_code),
            reason=Refusal.NO_SIGNER,
        )
    # Its own TraceHeader first: nothing may be added once the package is signed.
    stamped = trace_stamp(node, source, package, at=at)
    signed = sign_source(stamped, signer, directory=node.blobs.temporary, timestamp=network_timestamper(node))
    try:
        check_signature(node, signed, package, at=at)
    except BaseException:
        signed.discard()
        raise
    return Checked(signed, package, message_id_of(package), signed=True)


def accept(node: Node, checked: Sequence[Checked], *, at: datetime) -> list[SubmitOutcome]:
    """Queue and log checked packages in one write transaction; an answer for each, in order."""
    outcomes: list[SubmitOutcome | None] = [None] * len(checked)
    _accept(node, list(enumerate(checked)), outcomes, at=at)
    # A status about a document accepted in this same batch found no recipients before that
    # document was stored (the sender's 13 right after its document): looked at again now.
    accepted = {
        document_key(c.package)
        for c, outcome in zip(checked, outcomes, strict=True)
        if isinstance(outcome, Submission) and not isinstance(c.package, StatusPackage)
    }
    again = [
        (index, c)
        for index, c in enumerate(checked)
        if isinstance(c.package, StatusPackage)
        and document_key(c.package) in accepted
        and _unknown_document(outcomes[index])
    ]
    if again:
        for index, _ in again:
            outcomes[index] = None
        _accept(node, again, outcomes, at=at)
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _unknown_document(outcome: SubmitOutcome | None) -> bool:
    return isinstance(outcome, PackageRefused) and outcome.reason is Refusal.UNKNOWN_DOCUMENT


def _accept(
    node: Node, checked: list[tuple[int, Checked]], outcomes: list[SubmitOutcome | None], *, at: datetime
) -> None:
    """Accept the checked packages, again from the start after a failover (``replay``): a
    commit whose answer was lost is then found by message id and answered as a repeat, so no
    document is queued twice."""

    def attempt() -> None:
        for index, _ in checked:
            outcomes[index] = None
        _accept_once(node, checked, outcomes, at=at)

    replay(node.database, attempt)


def _accept_once(
    node: Node, checked: list[tuple[int, Checked]], outcomes: list[SubmitOutcome | None], *, at: datetime
) -> None:
    # Looked up before writing anything: a repeat stores no blob and takes no write lock.
    with NodeStore.begin(node.database, write=False) as store:
        earlier = store.outbox_of(c.message_id for _, c in checked)
        planned: list[tuple[int, Checked, list[OutboxItem]]] = []
        for index, c in checked:
            try:
                if c.message_id in earlier:
                    outcomes[index] = _repeat(earlier[c.message_id], c.package, c.source.sha256)
                    continue
                recipients = _recipients(store, c.package)
                items = list(_items(node, c.package, recipients, c.message_id, c.source.sha256, at=at))
                planned.append((index, c, items))
            except LienthongError as exc:
                outcomes[index] = exc
    if not planned:
        return
    kept: list[tuple[int, Checked, list[OutboxItem]]] = []
    with node.blobs.batch() as batch:  # durable before the rows naming them are committed
        for index, c, items in planned:
            try:
                c.source.store(batch)
                kept.append((index, c, items))
            except LienthongError as exc:
                outcomes[index] = exc
    if not kept:
        return
    with NodeStore.begin(node.database) as store:
        # Another process may have accepted one meanwhile; a message twice in this batch is
        # accepted once, the later copy answered as a repeat of it.
        held = store.outbox_of(c.message_id for _, c, _ in kept)
        fresh: dict[str, tuple[int, Checked, list[OutboxItem]]] = {}
        for index, c, items in kept:
            if c.message_id not in held and c.message_id not in fresh:
                fresh[c.message_id] = (index, c, items)
        entries = iter(store.enqueue([item for _, _, items in fresh.values() for item in items], at=at))
        for index, c, items in fresh.values():
            held[c.message_id] = [next(entries) for _ in items]
            _record(store, c.package, items, c.source.sha256, at=at)
            if isinstance(c.package, DocumentPackage):  # its list rows, from the package parsed once
                store.index_documents(
                    index_entries(
                        c.package,
                        direction=Direction.OUT,
                        message_id=c.message_id,
                        recipients=[item.recipient for item in items],
                        package_sha256=c.source.sha256,
                        size=c.source.size,
                        at=at,
                    )
                )
            outcomes[index] = Submission(
                c.message_id, c.package.document_id, c.source.sha256, tuple(held[c.message_id])
            )
        for index, c, _ in kept:
            if outcomes[index] is None:
                try:
                    outcomes[index] = _repeat(held[c.message_id], c.package, c.source.sha256)
                except LienthongError as exc:
                    outcomes[index] = exc


def _record(
    store: NodeStore, package: Package, items: list[OutboxItem], digest: str, *, at: datetime
) -> None:
    """The log entries (and, for a status, the status rows) of one accepted package."""
    for item in items:
        note = f"redirected-from={item.redirected_from}" if item.redirected_from else ""
        store.log(
            LogKind.PACKAGE_OUT,
            at=at,
            message_id=item.message_id,
            document_id=package.document_id,
            party=item.recipient,
            sha256=digest,
            note=note,
        )
        if item.state is DeliveryState.FAILED:
            store.log(
                LogKind.DELIVERY_FAILED,
                at=at,
                message_id=item.message_id,
                document_id=package.document_id,
                party=item.recipient,
                note=item.last_error or "",
            )
    if isinstance(package, StatusPackage):
        for item in items:
            apply_recall(store, package, addressee=item.recipient, direction=Direction.OUT)
            store.put_status(status_entry(package, item.recipient, digest, Direction.OUT, at))


def _repeat(earlier: list[OutboxEntry], package: Package, digest: str) -> Submission:
    if earlier[0].item.package_sha256 != digest:
        raise PackageRefused(
            msg("node-document-sent-differently", document=package.document_id),
            reason=Refusal.MESSAGE_CONFLICT,
        )
    return Submission(earlier[0].message_id, package.document_id, digest, tuple(earlier), repeated=True)


def _recipients(store: NodeStore, package: Package) -> tuple[str, ...]:
    if isinstance(package, DocumentPackage):
        return package.to_codes
    sender, document = document_key(package)
    found: tuple[str, ...] = ()
    if package.status_code.sent_by_sender:
        if sender == package.from_code:  # a sender asks back its own documents only
            sent = [
                e.item.recipient
                for e in store.outbox(document_id=document, sender=sender)
                if e.item.kind is PackageKind.DOCUMENT
            ]
            found = tuple(dict.fromkeys(sent))
    elif store.inbox(
        document_id=document, sender=sender, recipient=package.from_code, kind=PackageKind.DOCUMENT
    ):
        found = (sender,)
    if not found:
        raise PackageRefused(
            msg("node-status-no-document", document=document, status=package.status_code.value),
            reason=Refusal.UNKNOWN_DOCUMENT,
        )
    return found


def _items(
    node: Node, package: Package, recipients: tuple[str, ...], message_id: str, digest: str, *, at: datetime
) -> Iterator[OutboxItem]:
    deadline = at + node.retry.deadline
    config = node.configuration
    for code in recipients:
        route = config.route(code, at=at)
        base = OutboxItem(
            message_id=message_id,
            document_id=package.document_id,
            kind=kind_of(package),
            package_sha256=digest,
            sender=package.from_code,
            recipient=code,
            deliver_to=code,
            deadline=deadline,
        )
        if route.status.active is False:
            successor = route.successor
            if successor is not None and config.route(successor, at=at).deliverable:
                yield replace(base, deliver_to=successor, redirected_from=code)
            else:
                reason = msg("node-code-closed", problem=route.problem or code)
                yield replace(base, state=DeliveryState.FAILED, last_error=reason)
            continue
        if route.node is None:
            raise PackageRefused(
                route.problem or msg("node-cannot-deliver-to", code=code),
                reason=Refusal.RECIPIENT_UNKNOWN,
            )
        yield base
