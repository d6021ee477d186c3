"""An operator's actions on one delivery: "retry now" and "give up" (the console calls them).

Both respect the delivery worker's claims: a row is acted on only when no worker holds it
(QUEUED, or SENDING past its lease), by claiming it with a token of its own in the same
transaction (``NodeStore.claim_entry``) and settling it as a worker would; a worker that took
it first keeps it, and the operator is told it is being delivered. A row whose lease has ended
may be taken over, as a worker would take it over.

- Retry now: a waiting row becomes due now; the worker picks it at its next poll. A FAILED row
  (given up: deadline passed, or by an operator) is queued again with a fresh deadline
  (``RetryPolicy.deadline`` from now), if its code still routes somewhere: the operator has
  seen why it failed and judges the cause gone. DELIVERED and REJECTED rows are final: a
  refusal is the peer's answer, and sending the same package again would get the same one.
- Give up: the row becomes FAILED with the operator's reason, through ``give_up``, the very
  path the deadline takes, so the sender's software is told alike (``delivery.failed``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from lienthong._i18n import Message, msg
from lienthong.errors import LienthongError, NodeError
from lienthong.node._deliver import give_up
from lienthong.node._node import Node
from lienthong.store import DeliveryState, NodeStore, OutboxEntry

#: Longest reason kept for giving up (it travels to the sender's software as it is).
MAX_REASON = 500


class DeliveryNotActionable(NodeError):
    """Raised when an operator's action cannot apply to a delivery as it stands now: unknown,
    final, being delivered this moment, or (giving up) without a reason. ``state`` is where
    the delivery stands (None: no such delivery)."""

    code = "delivery-not-actionable"

    def __init__(self, message: Message | str, *, state: DeliveryState | None) -> None:
        super().__init__(message)
        self.state = state


def retry_now(node: Node, entry_id: int, *, now: datetime) -> OutboxEntry:
    """Make delivery ``entry_id`` due at ``now``; the row as it now stands."""
    token = secrets.token_hex(16)
    with NodeStore.begin(node.database) as store:
        held = _held(store, entry_id)
        if held.state is DeliveryState.FAILED:
            try:  # a code closed since, with no successor: queuing again would only fail again
                node.configuration.node_for(held.deliver_to, at=now)
            except LienthongError as exc:
                raise DeliveryNotActionable(exc.message, state=held.state) from exc
            requeued = store.requeue_failed(entry_id, now=now, deadline=now + node.retry.deadline)
            if requeued is not None:
                return requeued
        claimed = store.claim_entry(entry_id, now=now, lease=node.retry.lease, token=token)
        if claimed is None:
            raise _refusal(store, entry_id)
        store.settle(entry_id, token=token, state=DeliveryState.QUEUED, next_attempt_at=now)
        return _held(store, entry_id)


def give_up_delivery(node: Node, entry_id: int, *, reason: str, now: datetime) -> OutboxEntry:
    """Stop delivering ``entry_id``: FAILED with the operator's ``reason``; the row as it now stands."""
    text = " ".join(reason.split())
    if not text:
        raise DeliveryNotActionable(msg("node-give-up-reason-required"), state=None)
    if len(text) > MAX_REASON:
        raise DeliveryNotActionable(msg("node-give-up-reason-too-long", limit=MAX_REASON), state=None)
    token = secrets.token_hex(16)
    with NodeStore.begin(node.database) as store:
        claimed = store.claim_entry(entry_id, now=now, lease=node.retry.lease, token=token)
        if claimed is None:
            raise _refusal(store, entry_id)
        give_up(store, claimed, token, msg("node-delivery-given-up", reason=text), now=now)
        return _held(store, entry_id)


def _held(store: NodeStore, entry_id: int) -> OutboxEntry:
    entry = store.outbox_entry(entry_id)
    if entry is None:
        raise DeliveryNotActionable(msg("node-delivery-unknown", entry=entry_id), state=None)
    return entry


def _refusal(store: NodeStore, entry_id: int) -> DeliveryNotActionable:
    """Why a row could not be claimed: gone, final, or a worker holds it right now."""
    entry = _held(store, entry_id)
    if entry.state is DeliveryState.SENDING:
        return DeliveryNotActionable(msg("node-delivery-being-sent"), state=entry.state)
    if entry.state is DeliveryState.DELIVERED:
        return DeliveryNotActionable(msg("node-delivery-already-delivered"), state=entry.state)
    if entry.state is DeliveryState.REJECTED:
        return DeliveryNotActionable(msg("node-delivery-already-rejected"), state=entry.state)
    return DeliveryNotActionable(msg("node-delivery-already-failed"), state=entry.state)
