"""``PeerTransport``: deliver a package (or several small ones to one peer in one request) to a
peer node and get the receipts' bytes.

The in-memory transport calls the other node's ``receive`` directly (tests, one-process
networks); the mTLS httpx transport is the real network. Errors a retry may cure are
``DeliveryError``s; a refusal is not an error here: it comes back as a negative receipt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lienthong._i18n import tr
from lienthong.node._errors import PeerUnreachable
from lienthong.node._node import Node
from lienthong.node._package import PackageSource
from lienthong.node._receive import receive, receive_many
from lienthong.store import NodeEntry


@dataclass(frozen=True, slots=True)
class DeliveryRequest:
    """One package for one recipient code, to the node serving it."""

    peer: NodeEntry
    recipient: str
    #: In memory when small; a stored blob, streamed, when large.
    package: PackageSource
    message_id: str
    #: When the sender sends (the in-memory transport gives it to the receiver as its clock).
    at: datetime
    #: The sending node's name: what its TLS certificate proves over mTLS; the in-memory
    #: transport gives it to the receiver as the peer.
    origin: str


class PeerTransport(Protocol):
    def deliver(self, request: DeliveryRequest) -> bytes:
        """The peer's receipt (signed bytes); raises ``DeliveryError`` when the attempt fails."""
        ...

    def deliver_many(self, requests: Sequence[DeliveryRequest]) -> list[bytes]:
        """The peer's receipts for small packages to one peer, in order, from one exchange;
        raises ``DeliveryError`` when the attempt fails (for all of them)."""
        ...


class InMemoryTransport:
    """Delivers by calling the peer node's ``receive`` in this process; a node not in ``nodes``
    (or marked down) is unreachable."""

    def __init__(self, nodes: Mapping[str, Node]) -> None:
        self._nodes = dict(nodes)
        self.down: set[str] = set()

    def _peer(self, request: DeliveryRequest) -> Node:
        node = self._nodes.get(request.peer.name)
        if node is None or request.peer.name in self.down:
            raise PeerUnreachable(
                tr(f"không kết nối được {request.peer.name}", f"cannot reach {request.peer.name}")
            )
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
