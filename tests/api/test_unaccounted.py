"""``GET /api/v1/outbox/unaccounted``: after a restore, which of the DocumentIds the software
gives the node does not hold (to send again), and only once every peer has answered."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
import httpx
import pytest

from lienthong.api import add_client, create_app
from lienthong.node import RestoreMarker, submit
from node.node_network import AT, RECIPIENT, SENDER, Network, document

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def _ask(network: Network, marker: Path, ids: list[str]) -> dict[str, object]:
    node = dataclasses.replace(network.receiver, restore_marker=marker)
    client = add_client(node.database, f"qlvb-{len(ids)}", codes=[RECIPIENT], at=AT)
    app = create_app(node, clock=lambda: AT)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://vpcp",
        headers={"Authorization": f"Bearer {client.token}"},
    ) as http:
        answer = await http.get("/api/v1/outbox/unaccounted", params={"document_id": ids})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert isinstance(body, dict)
    return body


async def test_unknown_ids_are_listed_once_every_peer_has_answered(network: Network, tmp_path: Path) -> None:
    package = document("5", sender=RECIPIENT, to=(SENDER,))
    held = (await anyio.to_thread.run_sync(lambda: submit(network.receiver, package, at=AT))).document_id
    marker = tmp_path / "restored.json"
    pending = RestoreMarker(
        node="vpcp", backup_at=AT - timedelta(hours=1), log_seq=0, log_hash="0" * 64, restored_at=AT
    )
    marker.write_bytes(pending.to_json())
    early = await _ask(network, marker, [held, "lost-1"])
    assert early["restored"] is True and early["resync_complete"] is False
    assert early["peers_pending"] == ["nghe-an"] and early["unaccounted"] == []

    marker.write_bytes(
        dataclasses.replace(pending, peers_done=("nghe-an",), recovered=(held,), completed_at=AT).to_json()
    )
    done = await _ask(network, marker, [held, "lost-1", "lost-1"])
    assert done["resync_complete"] is True and done["peers_pending"] == []
    assert done["recovered"] == [held] and done["unaccounted"] == ["lost-1"]


async def test_a_node_never_restored_says_so(network: Network, tmp_path: Path) -> None:
    answer = await _ask(network, tmp_path / "restored.json", ["any"])
    assert answer["restored"] is False and answer["unaccounted"] == []
