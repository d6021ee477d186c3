"""The resync after a restore, in one process: vpcp comes back from a backup taken before it
received nghe-an's document and before it sent its own; one round asks nghe-an (through the
peer app, as the TLS peer vpcp), which queues its delivery again and hands back vpcp's own
document; then each side delivers, and each document is stored once on each side. The
completed resync is logged for each code served (the API's ``outbox.unaccounted`` event)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.serialization import Encoding
from fastapi import FastAPI

from lienthong.api import EventType, event_type
from lienthong.evidence import LogKind
from lienthong.node import (
    InMemoryTransport,
    Node,
    RestoreMarker,
    create_peer_app,
    deliver_due,
    load_marker,
    resync_round,
    submit,
)
from lienthong.store import BlobStore, DeliveryState, EventStore, NodeEntry, NodeStore, migrate, open_database
from node.node_network import AT, RECIPIENT, SENDER, Network, document
from node.test_protocol import RAND


def _peer_app(node: Node, der: bytes) -> FastAPI:
    return create_peer_app(lambda: node, clock=lambda: AT, peer=lambda: der)


class PeerAppResync:
    """``ResyncTransport`` calling each peer's app in process, presenting ``asker``'s certificate."""

    def __init__(self, peers: dict[str, Node], asker: Node) -> None:
        der = asker.key.certificate.public_bytes(Encoding.DER)
        self._apps = {name: _peer_app(node, der) for name, node in peers.items()}

    def resync(self, peer: NodeEntry, body: bytes) -> bytes:
        return asyncio.run(self._post(peer.name, body))

    async def _post(self, name: str, body: bytes) -> bytes:
        transport = httpx.ASGITransport(app=self._apps[name])
        async with httpx.AsyncClient(transport=transport, base_url="http://peer") as client:
            answer = await client.post("/v1/peer/resync", content=body)
        assert answer.status_code == 200, answer.text
        return answer.content


def _restored(network: Network, tmp_path: Path) -> Node:
    """vpcp as restored from a backup taken before anything was exchanged (an empty database)."""
    database = open_database(f"sqlite:///{tmp_path / 'restored.db'}")
    migrate(database)
    marker = tmp_path / "restored.json"
    backup_at = AT - timedelta(hours=1)
    marker.write_bytes(
        RestoreMarker(
            node="vpcp", backup_at=backup_at, log_seq=0, log_hash="0" * 64, restored_at=AT
        ).to_json()
    )
    return dataclasses.replace(
        network.receiver,
        database=database,
        blobs=BlobStore(tmp_path / "restored-blobs"),
        restore_marker=marker,
    )


def test_a_restored_node_gets_back_what_it_received_and_what_it_sent_each_once(
    network: Network, tmp_path: Path
) -> None:
    theirs = submit(network.sender, document("1"), at=AT)
    ours = submit(network.receiver, document("2", sender=RECIPIENT, to=(SENDER,)), at=AT)
    deliver_due(network.sender, network.transport, now=AT, rand=RAND)
    deliver_due(network.receiver, network.transport, now=AT, rand=RAND)

    vpcp = _restored(network, tmp_path)
    try:
        marker = resync_round(vpcp, PeerAppResync({"nghe-an": network.sender}, vpcp), at=AT)
        assert marker is not None and marker.completed_at == AT and marker.peers_done == ("nghe-an",)
        assert marker.recovered == (ours.document_id,)
        assert load_marker(tmp_path / "restored.json") == marker
        with EventStore.begin(vpcp.database) as events:
            (told,) = [
                e
                for e in events.events(codes=[RECIPIENT], after=0, limit=100).events
                if e.kind is LogKind.RESYNCED
            ]
        assert told.code == RECIPIENT and told.reason == marker.backup_at.isoformat()
        assert event_type(told) is EventType.OUTBOX_UNACCOUNTED  # what the software is told

        with NodeStore.begin(network.sender.database, write=False) as store:
            (again,) = store.outbox(message_id=theirs.message_id)
        assert again.state is DeliveryState.QUEUED  # queued again for the restored vpcp
        after = InMemoryTransport({"nghe-an": network.sender, "vpcp": vpcp})
        assert [o.state for o in deliver_due(network.sender, after, now=AT, rand=RAND)] == [
            DeliveryState.DELIVERED
        ]
        assert [o.state for o in deliver_due(vpcp, after, now=AT, rand=RAND)] == [DeliveryState.DELIVERED]

        with NodeStore.begin(vpcp.database, write=False) as store:
            assert [e.document_id for e in store.inbox(recipient=RECIPIENT)] == [theirs.document_id]
            (own,) = store.outbox(message_id=ours.message_id)
            assert own.state is DeliveryState.DELIVERED
        with NodeStore.begin(network.sender.database, write=False) as store:
            assert [e.document_id for e in store.inbox(recipient=SENDER)] == [ours.document_id]
        # Done: a further round asks nobody.
        assert resync_round(vpcp, PeerAppResync({}, vpcp), at=AT) == marker
    finally:
        vpcp.database.close()
