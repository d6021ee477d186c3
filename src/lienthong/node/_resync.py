"""``resync_round``: a node restored from a backup asks its peers for what it lost.

While ``HOME/restored.json`` says a resync is pending, each round asks every peer not yet done
(``POST /v1/peer/resync``, ``_resync_wire``) for what happened after the backup:

- the peer queues again what it delivered to this node's codes since then; its delivery worker
  sends it, and this node's inbox stores each message once (by message id), so what the backup
  held already is acknowledged again, not stored twice;
- the peer lists the messages it holds from this node's codes since then, with their packages.
  Each is accepted again here exactly as it was signed (``submit_many``): its message id is the
  one the peer holds, so its outbox rows are queued and the peer acknowledges the repeat with a
  fresh receipt (the row becomes DELIVERED, nothing is stored twice there), while recipients
  it never reached get it now. A status about a document not redelivered yet is refused for
  now (unknown document): the peer stays pending and is asked again next round.

When every peer has answered, the log records it once per code served here (``resynced``: the
API's ``outbox.unaccounted`` event) and the marker records the time: the documents the software had
accepted after the backup that the node still does not know are *unaccounted for*. The node
cannot list them (the backup never held them; the software holds their ids): the API answers,
for the ids the software gives, which are unknown, and the software submits them again with
the same DocumentId. Their message id is the hash of sender and DocumentId, so even one that a
peer did hold after all would be acknowledged there, not stored twice.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Final, Protocol

from lienthong.errors import DeliveryError, LienthongError
from lienthong.evidence import LogKind
from lienthong.node._backup import RestoreMarker, load_marker, save_marker
from lienthong.node._errors import PackageRefused, Refusal
from lienthong.node._node import Node
from lienthong.node._resync_wire import HeldMessage, ResyncAnswer, ResyncRequest
from lienthong.node._submit import Submission, submit_many
from lienthong.store import NodeEntry, NodeStore, PackageKind

_log = logging.getLogger("lienthong.node.resync")

#: Pages asked of one peer in one round at most (a round is bounded; the next resumes).
MAX_PAGES: Final = 1000


class ResyncTransport(Protocol):
    def resync(self, peer: NodeEntry, body: bytes) -> bytes:
        """The peer's answer (``_resync_wire``) to ``body``; raises a ``DeliveryError``."""
        ...


def resync_round(node: Node, transport: ResyncTransport, *, at: datetime) -> RestoreMarker | None:
    """One round of the resync (see the module text); the marker as it stands after it, None
    when the home was not restored. Done when ``completed_at`` is set."""
    if node.restore_marker is None:
        return None
    marker = load_marker(node.restore_marker)
    if marker is None or marker.completed_at is not None:
        return marker
    done = list(marker.peers_done)
    recovered = list(marker.recovered)
    peers = [n for n in node.configuration.content.nodes if n.name != node.name]
    for peer in peers:
        if peer.name in done:
            continue
        try:
            if _ask(node, transport, peer, marker.backup_at, recovered, at=at):
                done.append(peer.name)
        except DeliveryError as exc:  # asked again next round
            _log.warning("resync with %s: %s", peer.name, exc)
    complete = all(peer.name in done for peer in peers)
    if complete:
        _log_resynced(node, marker.backup_at, at=at)
    marker = dataclasses.replace(
        marker,
        peers_done=tuple(done),
        recovered=tuple(dict.fromkeys(recovered)),
        completed_at=at if complete else None,
    )
    save_marker(node.restore_marker, marker)
    if complete:
        _log.info("resync complete: %d documents recovered from peers", len(marker.recovered))
    return marker


def _log_resynced(node: Node, backup_at: datetime, *, at: datetime) -> None:
    """One ``resynced`` log entry per code served here: the software's ``outbox.unaccounted``
    event (logged before the marker says so: a crash between logs it twice, never not at all)."""
    codes = sorted(
        code
        for entry in node.configuration.content.nodes
        if entry.name == node.name
        for code in entry.subtrees
    )
    with NodeStore.begin(node.database) as store:
        for code in codes:
            store.log(
                LogKind.RESYNCED, at=at, message_id="", document_id="", party=code, note=backup_at.isoformat()
            )


def _ask(
    node: Node,
    transport: ResyncTransport,
    peer: NodeEntry,
    after: datetime,
    recovered: list[str],
    *,
    at: datetime,
) -> bool:
    """Every page of ``peer``'s answer, its messages accepted again; whether all could be."""
    cursor = 0
    whole = True
    for _ in range(MAX_PAGES):
        raw = transport.resync(peer, ResyncRequest(after, cursor).encode())
        answer = ResyncAnswer.decode(raw, peer=peer.name)
        whole = _take_back(node, answer.held, recovered, at=at) and whole
        if answer.next is None:
            return whole
        cursor = answer.next
    return False


def _take_back(node: Node, held: tuple[HeldMessage, ...], recovered: list[str], *, at: datetime) -> bool:
    """Accept the held messages again (documents first: a status may answer one of them)."""
    ordered = sorted(held, key=lambda h: h.kind is not PackageKind.DOCUMENT)
    whole = True
    outcomes = submit_many(node, [h.package for h in ordered], at=at)
    for message, outcome in zip(ordered, outcomes, strict=True):
        if isinstance(outcome, Submission):
            if message.kind is PackageKind.DOCUMENT and not outcome.repeated:
                recovered.append(outcome.document_id)
        elif isinstance(outcome, PackageRefused) and outcome.reason is Refusal.UNKNOWN_DOCUMENT:
            whole = False  # its document has not come back yet
        else:
            _log_refused(message, outcome)
    return whole


def _log_refused(message: HeldMessage, outcome: LienthongError) -> None:
    _log.warning("resync: message %s held by a peer not taken back: %s", message.message_id, outcome)
