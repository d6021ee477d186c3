"""``PeerTransport``: one method, deliver a package to a peer node and get its receipt's bytes.

The in-memory transport calls the other node's ``receive`` directly (tests, one-process
networks); the mTLS httpx transport is the real network. Errors a retry may cure are
``DeliveryError``s; a refusal is not an error here: it comes back as a negative receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lienthong._i18n import tr
from lienthong.node._errors import PeerUnreachable
from lienthong.node._node import Node
from lienthong.node._receive import receive
from lienthong.store import NodeEntry


@dataclass(frozen=True, slots=True)
class DeliveryRequest:
    """One package for one recipient code, to the node serving it."""

    peer: NodeEntry
    recipient: str
    package: bytes
    message_id: str
    #: When the sender sends (the in-memory transport gives it to the receiver as its clock).
    at: datetime


class PeerTransport(Protocol):
    def deliver(self, request: DeliveryRequest) -> bytes:
        """The peer's receipt (signed bytes); raises ``DeliveryError`` when the attempt fails."""
        ...


class InMemoryTransport:
    """Delivers by calling the peer node's ``receive`` in this process; a node not in ``nodes``
    (or marked down) is unreachable."""

    def __init__(self, nodes: Mapping[str, Node]) -> None:
        self._nodes = dict(nodes)
        self.down: set[str] = set()

    def deliver(self, request: DeliveryRequest) -> bytes:
        node = self._nodes.get(request.peer.name)
        if node is None or request.peer.name in self.down:
            raise PeerUnreachable(
                tr(f"không kết nối được {request.peer.name}", f"cannot reach {request.peer.name}")
            )
        return receive(node, request.package, recipient=request.recipient, at=request.at)
