"""Two nodes with their APIs, reached through httpx's ASGI transport (in process, real HTTP).

nghe-an  serves 000.00.00.H41; its client "qlvb-na" acts for H41
vpcp     serves 000.00.00.G22 and 000.00.00.H42; "qlvb-vpcp" acts for G22 only
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import anyio
import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI

from lienthong.api import ApiSettings, add_client, create_app
from lienthong.node import deliver_due
from node.node_network import AT, RECIPIENT, SENDER, Network


@dataclass
class Api:
    network: Network
    sender_app: FastAPI
    receiver_app: FastAPI
    sender: httpx.AsyncClient  # as the H41 client at nghe-an
    receiver: httpx.AsyncClient  # as the G22 client at vpcp
    vxp_secret: str  # the VXP system "vpcp-qlvb" at vpcp, acting for G22

    async def deliver(self) -> None:
        """Run both nodes' delivery workers (in a worker thread) until nothing is due."""
        await anyio.to_thread.run_sync(self._deliver)

    def _deliver(self) -> None:
        rand = random.Random(1)
        for _ in range(5):
            done = deliver_due(self.network.sender, self.network.transport, now=AT, rand=rand)
            done += deliver_due(self.network.receiver, self.network.transport, now=AT, rand=rand)
            if not done:
                return


def _clock() -> datetime:
    return AT


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def api(network: Network) -> AsyncIterator[Api]:
    # Webhooks to this machine are allowed, as an operator would for a QLVB server beside the node.
    settings = ApiSettings(max_upload_bytes=200_000, allow_private_webhooks=True)
    sender_app = create_app(network.sender, settings=settings, clock=_clock)
    receiver_app = create_app(network.receiver, settings=settings, clock=_clock)
    na = add_client(network.sender.database, "qlvb-na", codes=[SENDER], at=AT)
    vp = add_client(network.receiver.database, "qlvb-vpcp", codes=[RECIPIENT], at=AT)
    vxp = add_client(
        network.receiver.database, "vpcp-qlvb", codes=[RECIPIENT], at=AT, vxp_systemid="vpcp-qlvb"
    )
    assert na.token and vp.token and vxp.secret
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=sender_app),
            base_url="http://nghe-an",
            headers={"Authorization": f"Bearer {na.token}"},
        ) as sender,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=receiver_app),
            base_url="http://vpcp",
            headers={"Authorization": f"Bearer {vp.token}"},
        ) as receiver,
    ):
        yield Api(network, sender_app, receiver_app, sender, receiver, vxp.secret)
