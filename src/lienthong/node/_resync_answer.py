"""``answer_resync``: what this node answers a peer restored from a backup (``_resync_wire``).

The asking node is the one the TLS certificate names; it is answered only about the codes the
configuration says it serves: deliveries to those codes since ``after`` are queued again (the
delivery worker sends them; the peer's inbox stores each message once), and the messages this
node holds from those codes since ``after`` are listed with their packages, one page at a
time, so the asker can take back what it had sent and lost.

Nothing older than the node's resync window (``Node.resync_window``) is looked at, whatever
``after`` says; and ``after`` is moved back by ``CLOCK_MARGIN``, since two nodes' clocks differ
and sending one package too many costs nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from lienthong.errors import LienthongError
from lienthong.node._node import Node
from lienthong.node._resync_wire import PAGE_BYTES, PAGE_MESSAGES, HeldMessage, ResyncAnswer, ResyncRequest
from lienthong.store import ResyncStore

#: How far ``after`` is moved back for clock differences between nodes.
CLOCK_MARGIN: Final = timedelta(minutes=10)


def _served_by(node: Node, peer: str, codes: set[str], *, at: datetime) -> set[str]:
    """Those of ``codes`` the configuration routes to node ``peer``."""
    kept = set()
    for code in codes:
        try:
            route = node.configuration.route(code, at=at)
        except LienthongError:  # not a code any more, or the configuration expired
            continue
        if route.node is not None and route.node.name == peer:
            kept.add(code)
    return kept


def answer_resync(node: Node, request: ResyncRequest, *, peer: str, at: datetime) -> ResyncAnswer:
    """One page of the answer to node ``peer``'s resync request (see the module text)."""
    after = max(request.after - CLOCK_MARGIN, at - node.resync_window)
    requeued = 0
    if request.cursor == 0:
        with ResyncStore.begin(node.database) as store:
            codes = _served_by(node, peer, store.delivered_codes_since(after), at=at)
        if codes:
            with ResyncStore.begin(node.database, write=True) as store:
                requeued = store.requeue_delivered(
                    codes, after=after, now=at, deadline=at + node.retry.deadline
                )
    with ResyncStore.begin(node.database) as store:
        senders = _served_by(node, peer, store.senders_since(after), at=at)
        rows = store.held_since(senders, after=after, cursor=request.cursor, limit=PAGE_MESSAGES)
    held: list[HeldMessage] = []
    size = 0
    last = request.cursor
    for row_id, entry in rows:
        package = b"".join(node.blobs.read_verified(entry.package_sha256))
        if held and size + len(package) > PAGE_BYTES:
            break
        held.append(
            HeldMessage(
                entry.message_id, entry.document_id, entry.kind, entry.sender, entry.recipient, package
            )
        )
        size += len(package)
        last = row_id
    complete = len(held) == len(rows) and len(rows) < PAGE_MESSAGES
    return ResyncAnswer(requeued, tuple(held), None if complete else last)
