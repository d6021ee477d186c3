"""Receiving a package from a peer for one code served here; always answering with a receipt.

In order: size, structure, signature (trusted chain, signer bound to ``From`` by the
configuration), the peer that delivered it is the node the configuration names for ``From``
(``_check_peer``), the code delivered to is served here and is what the package is addressed to,
a status answers a document known here; then the package is stored once (the same message again
is acknowledged again, never stored twice), business actions and statuses are applied, and a
receipt signed by this node is returned. Refusals return a negative receipt with the reason.
Everything received or answered enters the message log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lienthong._i18n import Message, msg
from lienthong.edxml import BusinessType, DocumentPackage, Package, StatusPackage
from lienthong.errors import LienthongError
from lienthong.evidence import LogKind, Receipt, ReceiptOutcome, sha256_hex, sign_receipts
from lienthong.node._checks import check_lengths, check_signature, parse_checked, served_here
from lienthong.node._errors import PackageRefused, Refusal
from lienthong.node._ids import document_key, kind_of, message_id_of
from lienthong.node._index import index_entries
from lienthong.node._node import Node
from lienthong.node._package import PackageSource, package_source
from lienthong.node._recall import check_recall, mark_recall
from lienthong.node._statuses import status_entry
from lienthong.store import (
    Direction,
    Disposition,
    DocumentLink,
    InboxEntry,
    IndexedDocument,
    NodeStore,
    PackageKind,
    ReceiptEntry,
    replay,
)

_DISPOSITIONS = {
    BusinessType.RECALL: Disposition.RECALLED,
    BusinessType.UPDATE: Disposition.UPDATED,
    BusinessType.REPLACE: Disposition.REPLACED,
}


def receive(
    node: Node, data: bytes | PackageSource, *, recipient: str, peer: str, at: datetime, hop: str = ""
) -> bytes:
    """Check and store ``data`` delivered for ``recipient`` by the node named ``peer`` (known
    from its TLS certificate); return the signed receipt's bytes.
    ``hop``: the delivery's trace record (``_trace.hop_note``), logged with the package.
    A spooled source is moved into the blob store when accepted; the caller still discards it."""
    source = package_source(data)
    digest = source.sha256
    package, refusal = _check(node, source, recipient, peer, at=at)
    if refusal is None and package is not None:
        try:
            return _store(node, source, package, recipient, digest, at=at, hop=hop)
        except PackageRefused as late:
            refusal = late
    assert refusal is not None
    return _refuse(node, package, recipient, digest, refusal, at=at)


def receive_many(
    node: Node, deliveries: Sequence[tuple[str, bytes]], *, peer: str, at: datetime, hop: str = ""
) -> list[bytes]:
    """``receive`` for several ``(recipient, package)`` pairs from the node ``peer``: each checked on its
    own and answered by its own receipt, in order, all signed at once (``sign_receipts``); all
    stored in one transaction (one log-head lock, one commit): the packages' log entries in the
    order given, then their receipts'."""
    checked: list[tuple[str, str, Package | None, PackageRefused | None]] = []
    kept: list[PackageSource] = []
    for recipient, data in deliveries:
        source = package_source(data)
        package, refusal = _check(node, source, recipient, peer, at=at)
        if refusal is None:
            kept.append(source)
        checked.append((recipient, source.sha256, package, refusal))
    with node.blobs.batch() as batch:  # synced together: one fsync round, each directory once
        for source in kept:
            source.store(batch)
    keys = [(message_id_of(p), r) for r, _, p, refused in checked if p is not None and refused is None]

    def stored() -> list[bytes]:  # replayed after a failover: what committed is found as held
        receipts = []
        with NodeStore.begin(node.database) as store:
            inbox = _Inbox(store, keys)
            for recipient, digest, package, refused in checked:
                refusal = refused
                if refusal is None and package is not None:
                    try:
                        receipts.append(_store_in(node, inbox, package, recipient, digest, at=at, hop=hop))
                        continue
                    except PackageRefused as late:  # raised before anything of it was written
                        refusal = late
                assert refusal is not None
                receipts.append(_refusal(node, package, recipient, digest, refusal, at=at))
            inbox.flush()
            return _issue(node, store, receipts)

    return replay(node.database, stored)


class _Inbox:
    """The inbox rows of one request's packages: read in one query before storing any, and
    the new ones written in one statement, deferred while no step reads the inbox."""

    def __init__(self, store: NodeStore, keys: Sequence[tuple[str, str]]) -> None:
        self.store = store
        self._held = store.inbox_get_many(keys)
        self._new: list[InboxEntry] = []
        self._indexed: list[IndexedDocument] = []

    def get(self, message_id: str, recipient: str) -> InboxEntry | None:
        return self._held.get((message_id, recipient))

    def put(self, entry: InboxEntry) -> None:
        self._held[(entry.message_id, entry.recipient)] = entry
        self._new.append(entry)

    def index(self, entries: Sequence[IndexedDocument]) -> None:
        """The lists' rows of a document put here, written with it."""
        self._indexed += entries

    def flush(self) -> None:
        """Write the new rows (before the inbox is read, and at the end)."""
        self.store.inbox_put_many(self._new)
        self.store.index_documents(self._indexed)
        self._new, self._indexed = [], []


def _check(
    node: Node, source: PackageSource, recipient: str, peer: str, *, at: datetime
) -> tuple[Package | None, PackageRefused | None]:
    """The package, and why it is refused (None when it may be stored)."""
    package: Package | None = None
    try:
        package = parse_checked(node, source)
        check_lengths(package)
        _check_peer(node, package, peer, at=at)  # transport identity first: it costs no RSA
        check_signature(node, source, package, at=at)
        _check_addressed(node, package, recipient, at=at)
    except PackageRefused as refusal:
        return package, refusal
    return package, None


def _check_peer(node: Node, package: Package, peer: str, *, at: datetime) -> None:
    """The node that delivered ``package`` is the one serving its ``From`` (a status's ``From``
    is the agency answering): a node delivers for its own agencies only, whoever signed. The
    one place where an explicit forwarding rule (a node allowed to relay for another's codes)
    would be admitted; the network has none."""
    try:
        route = node.configuration.route(package.from_code, at=at)
    except LienthongError:  # not a code, or the configuration expired: no node serves it
        route = None
    serving = route.node.name if route is not None and route.node is not None else None
    if serving != peer:
        raise PackageRefused(
            msg("node-peer-not-sender-node", peer=peer, sender=package.from_code, serving=serving)
            if serving is not None
            else msg("node-peer-not-sender-node-unserved", peer=peer, sender=package.from_code),
            reason=Refusal.PEER_NOT_SENDER_NODE,
        )


def _check_addressed(node: Node, package: Package, recipient: str, *, at: datetime) -> None:
    if not served_here(node, recipient, at=at):
        raise PackageRefused(
            msg("node-recipient-not-served-here", code=recipient, node=node.name),
            reason=Refusal.NOT_SERVED_HERE,
        )
    if isinstance(package, DocumentPackage):
        config = node.configuration
        successors = {config.route(code, at=at).successor for code in package.to_codes}
        if recipient not in package.to_codes and recipient not in successors:
            raise PackageRefused(
                msg("node-not-addressed", recipient=recipient),
                reason=Refusal.NOT_ADDRESSED,
            )
        return
    # The document answered is named by its sender and DocumentId (``ResponseFor``): the
    # sender is the status's own ``From`` for a 13, the code it is delivered to otherwise.
    sender, document_id = document_key(package)
    known: list[object] = []
    with NodeStore.begin(node.database, write=False) as store:
        if package.status_code.sent_by_sender:
            if sender == package.from_code:
                known = list(
                    store.inbox(
                        document_id=document_id, recipient=recipient, sender=sender, kind=PackageKind.DOCUMENT
                    )
                )
        elif sender == recipient:
            known = [
                e for e in store.outbox(document_id=document_id, sender=sender)
                if e.item.kind is PackageKind.DOCUMENT
                and package.from_code in (e.item.recipient, e.item.deliver_to)
            ]  # fmt: skip
    if not known:
        raise PackageRefused(
            msg(
                "node-unknown-document-between",
                document=document_id,
                sender=sender,
                reporter=package.from_code,
                recipient=recipient,
            ),
            reason=Refusal.UNKNOWN_DOCUMENT,
        )


def _store(
    node: Node,
    source: PackageSource,
    package: Package,
    recipient: str,
    digest: str,
    *,
    at: datetime,
    hop: str,
) -> bytes:
    source.store(node.blobs)

    def stored() -> bytes:  # replayed after a failover: what committed is found as held
        with NodeStore.begin(node.database) as store:
            inbox = _Inbox(store, [(message_id_of(package), recipient)])
            receipt = _store_in(node, inbox, package, recipient, digest, at=at, hop=hop)
            inbox.flush()
            return _issue(node, store, [receipt])[0]

    return replay(node.database, stored)


def _store_in(
    node: Node,
    inbox: _Inbox,
    package: Package,
    recipient: str,
    digest: str,
    *,
    at: datetime,
    hop: str = "",
) -> Receipt:
    """Store a checked package in ``inbox``'s transaction; its receipt, to be issued. A conflict
    is raised before anything is written (``receive_many`` answers it in the same transaction)."""
    store = inbox.store
    message_id = message_id_of(package)
    held = inbox.get(message_id, recipient)
    if held is not None and held.package_sha256 != digest:
        raise PackageRefused(
            msg("node-message-received-differently", document=package.document_id),
            reason=Refusal.MESSAGE_CONFLICT,
        )
    if held is None:
        reads_inbox = _reads_inbox(package)
        if reads_inbox:  # the rows this request stored so far must be there to be read
            inbox.flush()
        if isinstance(package, StatusPackage):  # a recall answer to no recall: refused, unwritten
            check_recall(store, package, addressee=recipient)
        inbox.put(
            InboxEntry(
                message_id=message_id,
                document_id=package.document_id,
                kind=kind_of(package),
                package_sha256=digest,
                sender=package.from_code,
                recipient=recipient,
                received_at=at,
            )
        )
        if isinstance(package, DocumentPackage):  # its list row, from the package parsed once
            inbox.index(
                index_entries(
                    package,
                    direction=Direction.IN,
                    message_id=message_id,
                    recipients=(recipient,),
                    package_sha256=digest,
                    size=node.blobs.size(digest),
                    at=at,
                )
            )
        store.log(
            LogKind.PACKAGE_IN,
            at=at,
            message_id=message_id,
            document_id=package.document_id,
            party=package.from_code,
            sha256=digest,
            note=hop,
        )
        if reads_inbox:
            inbox.flush()
        _apply(store, package, recipient, at=at)
        if isinstance(package, StatusPackage):
            store.put_status(status_entry(package, recipient, digest, Direction.IN, at))
    return Receipt(
        message_id=message_id,
        document_id=package.document_id,
        package_sha256=digest,
        kind=kind_of(package).value,
        sender=package.from_code,
        recipient=recipient,
        outcome=ReceiptOutcome.ACCEPTED,
        node=node.name,
        at=at,
        duplicate=held is not None,
    )


def _reads_inbox(package: Package) -> bool:
    """Whether storing ``package`` reads or marks inbox rows (a status, a recall, an update or
    a replacement): a plain document does not, so its row may be written later with others."""
    if isinstance(package, StatusPackage):
        return True
    return package.business is not None and package.business.business_type in _DISPOSITIONS


def _apply(store: NodeStore, package: Package, recipient: str, *, at: datetime) -> None:
    """Recall, update, replace: the sender's earlier document is marked and linked to this one
    (a sender acts on its own documents only: another's of the same DocumentId is untouched). A recall
    by status (13, answered 15 or 16) is checked and applied by ``_recall``."""
    if isinstance(package, StatusPackage):
        mark_recall(store, package, addressee=recipient, direction=Direction.IN)
        return
    if package.business is None:
        return
    business = package.business
    disposition = _DISPOSITIONS.get(business.business_type)
    if disposition is None:
        return
    earlier = {business.document_id} | {r.document_id for r in business.replacements}
    for document_id in sorted(e for e in earlier if e):
        applied = store.mark(
            document_id=document_id,
            sender=package.from_code,
            recipient=recipient,
            disposition=disposition,
            by=package.document_id,
        )
        store.put_link(
            DocumentLink(
                recipient=recipient,
                sender=package.from_code,
                earlier_document_id=document_id,
                later_document_id=package.document_id,
                business_type=int(business.business_type),
                applied=applied,
                at=at,
            )
        )


def _issue(node: Node, store: NodeStore, receipts: Sequence[Receipt]) -> list[bytes]:
    """Sign ``receipts`` at once and record each in ``store``; their bytes, in order."""
    raws = sign_receipts(receipts, node.key)
    entries = [
        ReceiptEntry(
            sha256=sha256_hex(raw),
            raw=raw,
            message_id=receipt.message_id,
            recipient=receipt.recipient,
            accepted=receipt.accepted,
            reason=receipt.why,
            direction=Direction.OUT,
            at=receipt.at,
        )
        for receipt, raw in zip(receipts, raws, strict=True)
    ]
    store.put_receipts(entries)  # one statement for all
    for receipt, entry in zip(receipts, entries, strict=True):
        store.log_receipt(
            entry, document_id=receipt.document_id, party=receipt.sender[:32], note=receipt.reason_code or ""
        )
    return raws


def _refuse(
    node: Node, package: Package | None, recipient: str, digest: str, refusal: PackageRefused, *, at: datetime
) -> bytes:
    with NodeStore.begin(node.database) as store:
        return _issue(node, store, [_refusal(node, package, recipient, digest, refusal, at=at)])[0]


def _refusal(
    node: Node, package: Package | None, recipient: str, digest: str, refusal: PackageRefused, *, at: datetime
) -> Receipt:
    return Receipt(
        message_id=message_id_of(package) if package is not None else digest,
        document_id=package.document_id if package is not None else "",
        package_sha256=digest,
        kind=kind_of(package).value if package is not None else "",
        sender=package.from_code if package is not None else "",
        recipient=recipient[:32],
        outcome=ReceiptOutcome.REFUSED,
        node=node.name,
        at=at,
        reason_code=refusal.reason.value,
        reason_message=_why(refusal),
    )


def _why(refusal: PackageRefused) -> Message:
    """The refusal's reason as the receipt signs it: a code and parameters, never a sentence
    (a text from a part not yet speaking in messages travels as the parameter of one)."""
    if isinstance(refusal.message, Message):
        return refusal.message
    return msg("node-refused", reason=refusal.message)


def refuse_unread(node: Node, *, recipient: str, sha256: str, size: int, at: datetime) -> bytes:
    """A negative receipt (too large) for a body of ``size`` bytes with digest ``sha256`` that
    was hashed as it streamed in but not kept: nothing of it is stored."""
    limit = node.limits.max_package_bytes
    refusal = PackageRefused(
        msg("node-package-too-large", size=size, limit=limit),
        reason=Refusal.TOO_LARGE,
    )
    return _refuse(node, None, recipient, sha256, refusal, at=at)
