"""Accepting a package from an agency served here: checked, signed, queued and logged at once.

Recipients: a document's ``To`` codes; a status goes where it answers (a recipient's status
to the original's sender, the sender's 13 to the original's recipients), matched by DocumentId.
A closed code goes to its successor (recorded on the outbox row) or fails with "code closed".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from lienthong._i18n import tr
from lienthong.edxml import DocumentPackage, Package, StatusPackage, validate_package
from lienthong.evidence import LogKind, sha256_hex
from lienthong.node._checks import check_signature, parse_checked, served_here
from lienthong.node._errors import PackageRefused, Refusal
from lienthong.node._ids import kind_of, message_id_of
from lienthong.node._node import Node
from lienthong.store import (
    DeliveryState,
    Direction,
    NodeStore,
    OutboxEntry,
    OutboxItem,
    PackageKind,
    StatusEntry,
)
from lienthong.trust import sign_package


@dataclass(frozen=True, slots=True)
class Submission:
    """What the node answered a submission with."""

    message_id: str
    document_id: str
    package_sha256: str
    entries: tuple[OutboxEntry, ...]
    #: True when the very same package had been accepted before.
    repeated: bool = False


def submit(node: Node, data: bytes, *, at: datetime) -> Submission:
    """Accept ``data`` (an edXML package from an agency served here) for delivery.

    Signs it with the agency's signer when unsigned, verifies it when signed; raises
    ``PackageRefused`` (or another ``PackageRejected``) when it cannot be accepted.
    """
    package = parse_checked(node, data)
    validate_package(package)
    if not served_here(node, package.from_code, at=at):
        raise PackageRefused(
            tr(
                f"mã gửi {package.from_code} không thuộc điểm kết nối {node.name}",
                f"the sender {package.from_code} is not served by node {node.name}",
            ),
            reason=Refusal.NOT_SERVED_HERE,
        )
    if package.signature is None:
        signer = node.signers.get(package.from_code)
        if signer is None:
            raise PackageRefused(
                tr(
                    f"gói tin chưa ký và không có khóa ký của {package.from_code}",
                    f"the package is unsigned and no signing key of {package.from_code} is held",
                ),
                reason=Refusal.NO_SIGNER,
            )
        data = sign_package(data, signer)
    check_signature(node, data, package, at=at)
    message_id = message_id_of(package)
    digest = sha256_hex(data)
    with NodeStore.begin(node.database, write=False) as store:
        earlier = store.outbox(message_id=message_id)
        recipients = _recipients(store, package)
    if earlier:
        return _repeat(earlier, package, digest)
    items = list(_items(node, package, recipients, message_id, digest, at=at))
    node.blobs.put_bytes(data)
    with NodeStore.begin(node.database) as store:
        earlier = store.outbox(message_id=message_id)
        if earlier:  # another process accepted it meanwhile
            return _repeat(earlier, package, digest)
        entries = store.enqueue(items, at=at)
        for item in items:
            note = f"redirected-from={item.redirected_from}" if item.redirected_from else ""
            store.log(
                LogKind.PACKAGE_OUT,
                at=at,
                message_id=message_id,
                document_id=package.document_id,
                party=item.recipient,
                sha256=digest,
                note=note,
            )
            if item.state is DeliveryState.FAILED:
                store.log(
                    LogKind.DELIVERY_FAILED,
                    at=at,
                    message_id=message_id,
                    document_id=package.document_id,
                    party=item.recipient,
                    note=item.last_error or "",
                )
        if isinstance(package, StatusPackage):
            for item in items:
                store.put_status(_status_entry(package, item.recipient, digest, Direction.OUT, at))
    return Submission(message_id, package.document_id, digest, tuple(entries))


def _repeat(earlier: list[OutboxEntry], package: Package, digest: str) -> Submission:
    if earlier[0].item.package_sha256 != digest:
        raise PackageRefused(
            tr(
                f"văn bản {package.document_id} đã được gửi với nội dung khác",
                f"document {package.document_id} was already sent with different content",
            ),
            reason=Refusal.MESSAGE_CONFLICT,
        )
    return Submission(earlier[0].message_id, package.document_id, digest, tuple(earlier), repeated=True)


def _recipients(store: NodeStore, package: Package) -> tuple[str, ...]:
    if isinstance(package, DocumentPackage):
        return package.to_codes
    document = package.document_id
    if package.status_code.sent_by_sender:
        sent = [
            e.item.recipient
            for e in store.outbox(document_id=document)
            if e.item.kind is PackageKind.DOCUMENT and e.item.sender == package.from_code
        ]
        found = tuple(dict.fromkeys(sent))
    else:
        received = store.inbox(document_id=document, recipient=package.from_code, kind=PackageKind.DOCUMENT)
        found = tuple(dict.fromkeys(e.sender for e in received))
    if not found:
        raise PackageRefused(
            tr(
                f"không có văn bản {document} để gửi trạng thái {package.status_code.value}",
                f"no document {document} to report status {package.status_code.value} on",
            ),
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
                reason = tr(f"mã đã đóng: {route.problem}", f"code closed: {route.problem}")
                yield replace(base, state=DeliveryState.FAILED, last_error=reason)
            continue
        if route.node is None:
            raise PackageRefused(
                route.problem or tr(f"không gửi được tới {code}", f"cannot deliver to {code}"),
                reason=Refusal.RECIPIENT_UNKNOWN,
            )
        yield base


def _status_entry(
    package: StatusPackage, addressee: str, digest: str, direction: Direction, at: datetime
) -> StatusEntry:
    return StatusEntry(
        document_id=package.document_id,
        reporter=package.from_code,
        addressee=addressee,
        status_code=package.status_code.value,
        timestamp=package.timestamp,
        package_sha256=digest,
        direction=direction,
        recorded_at=at,
        description=package.description,
    )
