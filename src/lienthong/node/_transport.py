"""``PeerTransport``: deliver a package (or several small ones to one peer in one request) to a
peer node and get the receipts' bytes.

A leaf both sides share: the sending side delivers through one, and the trace (``_trace``) names
its requests. The mTLS httpx transport (``_http``) is the real network; the in-memory one
(``_in_memory``), which calls the other node's ``receive``, joins the two sides in one process.
Errors a retry may cure are ``DeliveryError``s; a refusal is not an error here: it comes back as
a negative receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lienthong.node._package import PackageSource
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
