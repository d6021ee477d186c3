"""``InMemoryTransport``: delivers by calling the peer node's ``receive`` in this process (tests,
one-process networks).

It joins the two sides of the protocol, the sending side's ``PeerTransport`` and the receiving
side's ``receive``, so it sits above both; neither side imports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lienthong._i18n import msg
from lienthong.node._errors import PeerUnreachable
from lienthong.node._node import Node
from lienthong.node._receive import receive, receive_many
from lienthong.node._transport import DeliveryRequest


class InMemoryTransport:
    """Delivers by calling the peer node's ``receive`` in this process; a node not in ``nodes``
    (or marked down) is unreachable."""

    def __init__(self, nodes: Mapping[str, Node]) -> None:
        self._nodes = dict(nodes)
        self.down: set[str] = set()

    def _peer(self, request: DeliveryRequest) -> Node:
        node = self._nodes.get(request.peer.name)
        if node is None or request.peer.name in self.down:
            raise PeerUnreachable(msg("node-peer-not-reachable", peer=request.peer.name))
        return node

    def deliver(self, request: DeliveryRequest) -> bytes:
        return receive(
            self._peer(request),
            request.package,
            recipient=request.recipient,
            peer=request.origin,
            at=request.at,
        )

    def deliver_many(self, requests: Sequence[DeliveryRequest]) -> list[bytes]:
        node = self._peer(requests[0])
        deliveries = [(r.recipient, r.package.read_bytes()) for r in requests]
        return receive_many(node, deliveries, peer=requests[0].origin, at=requests[0].at)
