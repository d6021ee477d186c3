"""Delivery: claim due outbox rows, send each through a transport, record what came back.

``settle`` is the pure-ish heart (store writes only): a verified positive receipt makes the row
DELIVERED, a verified negative one REJECTED (final, reason kept); a transport error or an
invalid receipt schedules a retry (``next_attempt``: backoff with jitter from the given random
source) until the deadline, then FAILED with the last reason. Receipts are kept as received.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from lienthong._i18n import Message, msg
from lienthong.directory import certificate_fingerprint, pem_fingerprint
from lienthong.errors import LienthongError
from lienthong.evidence import EvidenceError, LogKind, Receipt, read_receipt, sha256_hex
from lienthong.node._errors import ReceiptInvalid
from lienthong.node._node import Node
from lienthong.node._package import PackageSource
from lienthong.node._retry import next_attempt
from lienthong.node._transport import DeliveryRequest, PeerTransport
from lienthong.node._wire import MAX_BATCH_BYTES
from lienthong.store import DeliveryState, Direction, NodeEntry, NodeStore, OutboxEntry, ReceiptEntry, replay

_log = logging.getLogger("lienthong.node.deliver")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt ended in."""

    entry: OutboxEntry
    state: DeliveryState
    #: Why: the peer's refusal, or the attempt's failure (a sentence in old receipts).
    reason: Message | str | None = None


@dataclass(frozen=True, slots=True)
class _Sent:
    """What came back for one claimed row: a checked receipt, or why there is none."""

    entry: OutboxEntry
    receipt: Receipt | None = None
    raw: bytes = b""
    failure: Message | str = ""


#: Runs ``send`` over the claimed rows, in groups (one request each): ``map`` one after the
#: other, or an executor's ``map`` to have several in flight at once.
Mapper = Callable[
    [Callable[[list[OutboxEntry]], list[_Sent]], Sequence[list[OutboxEntry]]], Iterable[list[_Sent]]
]


def deliver_due(
    node: Node,
    transport: PeerTransport,
    *,
    now: datetime,
    rand: random.Random,
    limit: int = 50,
    mapper: Mapper = map,
    per_request: int = 1,
    clock: Callable[[], datetime] | None = None,
) -> list[Outcome]:
    """Claim up to ``limit`` due rows, deliver each, record every outcome in one transaction.

    Settling a batch at once costs one transaction (one log-head lock, one commit) instead of
    one per row. A crash between send and settle leaves the rows claimed: their leases end,
    they are sent again, and the receiver acknowledges the repeat without storing it twice.
    With ``per_request`` above 1, small packages for one peer travel up to that many in one
    request (``PeerTransport.deliver_many``), each still answered by its own receipt.
    Receipts are recorded at ``clock()`` when given (when they came back), else at ``now``.
    """
    token = secrets.token_hex(16)

    def claim() -> list[OutboxEntry]:  # a claim committed unanswered is left to its lease
        with NodeStore.begin(node.database, write=False, claims=True) as store:
            return store.claim_due(limit=limit, now=now, lease=node.retry.lease, token=token)

    claimed = replay(node.database, claim)
    if not claimed:
        return []
    groups = _groups(node, claimed, per_request, now=now)
    sent = [s for group in mapper(lambda g: _send_group(node, transport, g, now=now), groups) for s in group]
    received = now if clock is None else clock()

    def settle() -> list[Outcome]:  # replayed: a settle committed unanswered no longer holds the token
        with NodeStore.begin(node.database) as store:
            receipts = [s for s in sent if s.receipt is not None]
            answered = _record_receipts(store, token, receipts, now=received)
            return [  # in the order sent: each outcome logs its receipt or failure as it is made
                answered(s.entry) if s.receipt is not None
                else _record_failure(node, store, s.entry, token, s.failure, now=now, rand=rand)
                for s in sent
            ]  # fmt: skip

    return replay(node.database, settle)


def _groups(
    node: Node, claimed: list[OutboxEntry], per_request: int, *, now: datetime
) -> list[list[OutboxEntry]]:
    """The rows in request groups: small packages by peer, up to ``per_request`` rows and
    ``MAX_BATCH_BYTES`` a group; a large package, or one whose peer or blob is not found (its
    send says why), alone."""
    if per_request <= 1:
        return [[entry] for entry in claimed]
    alone: list[list[OutboxEntry]] = []
    open_groups: dict[str, tuple[list[OutboxEntry], int]] = {}
    full: list[list[OutboxEntry]] = []
    peers: dict[str, str] = {}  # routing a code costs more than a look-up: once a round
    for entry in claimed:
        try:
            peer = peers.get(entry.deliver_to) or node.configuration.node_for(entry.deliver_to, at=now).name
            peers[entry.deliver_to] = peer
            size = node.blobs.size(entry.item.package_sha256)
        except LienthongError:
            alone.append([entry])
            continue
        if size > min(node.limits.in_memory_bytes, MAX_BATCH_BYTES // 4):
            alone.append([entry])
            continue
        group, total = open_groups.get(peer, ([], 0))
        if group and (len(group) >= per_request or total + size > MAX_BATCH_BYTES):
            full.append(group)
            group, total = [], 0
        group.append(entry)
        open_groups[peer] = (group, total + size)
    return full + [group for group, _ in open_groups.values()] + alone


def _send_group(
    node: Node, transport: PeerTransport, group: list[OutboxEntry], *, now: datetime
) -> list[_Sent]:
    if len(group) == 1:
        return [_send(node, transport, group[0], now=now)]
    try:
        peer = node.configuration.node_for(group[0].deliver_to, at=now)
        requests = [
            DeliveryRequest(
                peer=peer,
                recipient=entry.deliver_to,
                package=_package(node, entry.item.package_sha256),
                message_id=entry.message_id,
                at=now,
                origin=node.name,
            )
            for entry in group
        ]
        raws = transport.deliver_many(requests)
    except LienthongError as exc:  # DeliveryError for all of them; or a blob is gone: all retry
        return [_Sent(entry, failure=exc.message) for entry in group]
    except Exception as exc:  # a bug below us must cost these rows a retry, not the batch its receipts
        _log.exception("delivery of %d packages to %s failed unexpectedly", len(group), group[0].deliver_to)
        return [_Sent(entry, failure=f"{type(exc).__name__}: {exc}") for entry in group]
    return [_received(node, entry, raw, peer, now=now) for entry, raw in zip(group, raws, strict=True)]


def _received(node: Node, entry: OutboxEntry, raw: bytes, peer: NodeEntry, *, now: datetime) -> _Sent:
    try:
        receipt = check_receipt(node, entry, raw, peer_pems=peer.seal_pems, at=now)
    except ReceiptInvalid as exc:
        return _Sent(entry, failure=exc.message)
    except Exception as exc:  # a bug below us must cost this row a retry, not the batch its receipts
        _log.exception("receipt of %s from %s failed unexpectedly", entry.message_id[:16], entry.deliver_to)
        return _Sent(entry, failure=f"{type(exc).__name__}: {exc}")
    return _Sent(entry, receipt, raw)


def _send(node: Node, transport: PeerTransport, entry: OutboxEntry, *, now: datetime) -> _Sent:
    try:
        peer = node.configuration.node_for(entry.deliver_to, at=now)
        package = _package(node, entry.item.package_sha256)
        raw = transport.deliver(
            DeliveryRequest(
                peer=peer,
                recipient=entry.deliver_to,
                package=package,
                message_id=entry.message_id,
                at=now,
                origin=node.name,
            )
        )
    except LienthongError as exc:  # DeliveryError; or the configuration no longer routes it, a blob is gone
        return _Sent(entry, failure=exc.message)
    except Exception as exc:  # a bug below us must cost this row a retry, not the batch its receipts
        _log.exception("delivery of %s to %s failed unexpectedly", entry.message_id[:16], entry.deliver_to)
        return _Sent(entry, failure=f"{type(exc).__name__}: {exc}")
    return _received(node, entry, raw, peer, now=now)


def _package(node: Node, sha256: str) -> PackageSource:
    """A small package in memory (sent in one write); a large one streamed from its blob."""
    if node.blobs.size(sha256) <= node.limits.in_memory_bytes:
        return PackageSource.of_bytes(b"".join(node.blobs.read_verified(sha256)))
    return PackageSource.of_blob(node.blobs, sha256)


def check_receipt(
    node: Node, entry: OutboxEntry, raw: bytes, *, peer_pems: Sequence[str], at: datetime
) -> Receipt:
    """The receipt in ``raw`` if it is signed by the peer node, trusted, and about this delivery.

    ``peer_pems``: the certificates the configuration binds to the peer (its TLS certificate and
    its seal certificate, if any; ``NodeEntry.seal_pems``); none bound, any trusted signer."""
    try:
        signed = read_receipt(raw)
    except EvidenceError as exc:
        raise ReceiptInvalid(exc.message) from exc
    problem = signed.statement.chain_problem(node.anchors, at=at)
    if problem is not None:
        raise ReceiptInvalid(problem)
    bound = {pem_fingerprint(pem) for pem in peer_pems}
    if bound and certificate_fingerprint(signed.statement.signer) not in bound:
        raise ReceiptInvalid(msg("node-receipt-not-from-peer"))
    receipt = signed.receipt
    # A package refused unread (over the peer's limit, never parsed) is named by its digest: the
    # peer never learnt its message id. The digest still ties the refusal to these very bytes.
    named = receipt.message_id == entry.message_id or (
        not receipt.accepted and receipt.message_id == receipt.package_sha256
    )
    about = (receipt.package_sha256, receipt.recipient) == (entry.item.package_sha256, entry.deliver_to)
    if not (named and about):
        raise ReceiptInvalid(msg("node-receipt-not-for-package"))
    return receipt


def settle_receipt(
    node: Node, entry: OutboxEntry, token: str, receipt: Receipt, raw: bytes, *, now: datetime
) -> Outcome:
    """Record a verified receipt for a claimed row, in its own transaction."""

    def settle() -> Outcome:
        with NodeStore.begin(node.database) as store:
            return _record_receipts(store, token, [_Sent(entry, receipt, raw)], now=now)(entry)

    return replay(node.database, settle)


def settle_failure(
    node: Node, entry: OutboxEntry, token: str, reason: Message | str, *, now: datetime, rand: random.Random
) -> Outcome:
    """Schedule a retry for a claimed row (or fail it past its deadline), in its own transaction."""

    def settle() -> Outcome:
        with NodeStore.begin(node.database) as store:
            return _record_failure(node, store, entry, token, reason, now=now, rand=rand)

    return replay(node.database, settle)


def _record_receipts(
    store: NodeStore, token: str, sent: Sequence[_Sent], *, now: datetime
) -> Callable[[OutboxEntry], Outcome]:
    """Settle the rows of verified receipts and keep those receipts, one statement each for all
    (a row its claim no longer holds gets nothing: ``SENDING``, claim expired); the outcome
    of each row, which logs its receipt when asked, so the caller keeps the log in its order."""
    kept: dict[int, tuple[Receipt, ReceiptEntry]] = {}
    for s in sent:
        assert s.receipt is not None
        kept[s.entry.id] = (
            s.receipt,
            ReceiptEntry(
                sha256=sha256_hex(s.raw),
                raw=s.raw,
                message_id=s.entry.message_id,
                recipient=s.entry.deliver_to,
                accepted=s.receipt.accepted,
                reason=s.receipt.why,
                direction=Direction.IN,
                at=now,
            ),
        )
    settled = store.settle_many(
        {i: (_state_of(receipt), entry.sha256, receipt.why) for i, (receipt, entry) in kept.items()},
        token=token,
    )
    store.put_receipts([entry for i, (_, entry) in kept.items() if i in settled])

    def outcome(entry: OutboxEntry) -> Outcome:
        receipt, kept_entry = kept[entry.id]
        if entry.id not in settled:
            return Outcome(entry, DeliveryState.SENDING, msg("node-delivery-claim-expired"))
        note = receipt.reason_code or ""
        store.log_receipt(kept_entry, document_id=entry.item.document_id, party=entry.deliver_to, note=note)
        return Outcome(entry, _state_of(receipt), receipt.why)

    return outcome


def _state_of(receipt: Receipt) -> DeliveryState:
    return DeliveryState.DELIVERED if receipt.accepted else DeliveryState.REJECTED


def _record_failure(
    node: Node,
    store: NodeStore,
    entry: OutboxEntry,
    token: str,
    reason: Message | str,
    *,
    now: datetime,
    rand: random.Random,
) -> Outcome:
    when = next_attempt(node.retry, attempts=entry.attempts, now=now, deadline=entry.item.deadline, rand=rand)
    if when is not None:
        store.settle(
            entry.id, token=token, state=DeliveryState.QUEUED, next_attempt_at=when, last_error=reason
        )
        return Outcome(entry, DeliveryState.QUEUED, reason)
    final = msg("node-delivery-deadline-passed", attempts=entry.attempts, reason=reason)
    give_up(store, entry, token, final, now=now)
    return Outcome(entry, DeliveryState.FAILED, final)


def give_up(store: NodeStore, entry: OutboxEntry, token: str, reason: Message, *, now: datetime) -> bool:
    """Settle a claimed row FAILED with ``reason`` and log ``delivery-failed``, whence the
    sender's software learns it (events API, webhooks): the one way a delivery is given up,
    at its deadline or by the operator. False, nothing changed, unless ``token`` still holds it."""
    if not store.settle(entry.id, token=token, state=DeliveryState.FAILED, last_error=reason):
        return False
    store.log(
        LogKind.DELIVERY_FAILED,
        at=now,
        message_id=entry.message_id,
        document_id=entry.item.document_id,
        party=entry.item.recipient,
        note=reason,
    )
    return True
