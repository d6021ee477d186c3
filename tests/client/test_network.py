"""``Client.from_network`` and ``AsyncClient.from_network``: a node named as the CLI's
``--network network.json --node NAME`` name it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from client.live import Sdk
from lienthong.client import AsyncClient, Client, ClientError


@pytest.fixture
def network_file(sdk: Sdk, tmp_path: Path) -> Path:
    path = tmp_path / "network.json"
    nodes = [
        {"name": "nghe-an", "api": {"base_url": sdk.live.urls["nghe-an"], "token": sdk.na_token}},
        {"name": "vpcp", "api": {"base_url": sdk.live.urls["vpcp"], "token": sdk.vp_token}},
    ]
    described = {"trust_anchor": str(sdk.live.anchors("vpcp")), "nodes": nodes}
    path.write_text(json.dumps(described), encoding="utf-8")
    return path


def test_sync_client_from_network_reaches_the_named_node(sdk: Sdk, network_file: Path) -> None:
    with Client.from_network(network_file, node="vpcp") as api, sdk.receiver() as direct:
        assert api.inbox(limit=5) == direct.inbox(limit=5)
    with Client.from_network(str(network_file)) as first, sdk.sender() as sender:  # no name: the first
        assert first.outbox(limit=5) == sender.outbox(limit=5)


@pytest.mark.anyio
async def test_async_client_from_network_reaches_the_named_node(sdk: Sdk, network_file: Path) -> None:
    async with AsyncClient.from_network(network_file, node="vpcp") as api:
        page = await api.inbox(limit=5)
    with sdk.receiver() as direct:
        assert page == direct.inbox(limit=5)


def test_an_unknown_node_is_refused_with_the_names(network_file: Path) -> None:
    with pytest.raises(ClientError, match="nghe-an, vpcp") as refused:
        Client.from_network(network_file, node="hue")
    assert refused.value.code == "node-unknown"
