"""A serving node's readiness (``NodeReadiness``) on a real home: ready when its database takes
writes, its configuration is valid, its certificates are within their validity and its keys
sign; not ready, saying which, when the configuration has expired or a certificate ended, when
it is stopping, or (asked with ``?listener=peer``) while its peer listener does not serve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from lienthong.server import NodeService, ServeSettings
from lienthong.server._readiness import NodeReadiness
from node.doctor_network import EXPIRING, HEALTHY, DoctorNetwork, doctor_network

__all__ = ["doctor_network"]  # the fixture

pytestmark = pytest.mark.anyio


async def test_a_fresh_node_is_ready_but_its_peer_listener_not_before_it_serves(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY, EXPIRING), nodes=("vpcp",))
    with NodeService(home, ServeSettings(statistics_interval=0)) as service:
        assert service.api_app is not None
        transport = httpx.ASGITransport(app=service.api_app)
        async with httpx.AsyncClient(transport=transport, base_url="https://vpcp") as client:
            ready = await client.get("/readyz")
            peer = await client.get("/readyz?listener=peer")  # not bound: serve() was not called
        assert ready.status_code == 200, ready.text
        assert set(ready.json()["checks"]) == {"database", "configuration", "keys", "serving"}
        assert peer.status_code == 503
        assert peer.json()["checks"]["listener-peer"]["message_code"] == "health-peer-listener-down"
        service.readiness.peer_serving = lambda: True
        assert service.readiness.peer() is None
        service.readiness.stopping = True
        assert service.readiness.serving() is not None
        assert service.readiness.peer() is not None


async def test_an_expired_configuration_and_ended_certificates_are_named(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY, EXPIRING), nodes=("vpcp",))
    with NodeService(home, ServeSettings(statistics_interval=0)) as service:
        later = datetime.now(UTC) + timedelta(days=25)  # EXPIRING's certificate ended 5 days ago
        readiness = NodeReadiness(service.runtime, clock=lambda: later)
        assert readiness.database() is None
        ended = readiness.keys()
        assert ended is not None and ended.code == "health-certificate-outside-validity"
        assert ended.params["role"] == "signer"
        much_later = datetime.now(UTC) + timedelta(days=3650)
        expired = NodeReadiness(service.runtime, clock=lambda: much_later).configuration()
        assert expired is not None and expired.code == "health-configuration-expired"
