"""``deploy/haproxy/lienthong-node.cfg``: valid for HAProxy, and working for real.

HAProxy (Debian's) runs the file unchanged on loopback ports in front of two ``node serve``
processes of the node vpcp (two homes on one PostgreSQL database, sharing keys and blobs),
whose published endpoint is the balancer. Through it: a peer (nghe-an) delivers, an API client
submits, ``/readyz`` answers; when one process stops, HAProxy marks it down in both backends
(its checks fail) and traffic goes on through the other. Waits are polls with deadlines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from lienthong.api import add_client
from lienthong.client import Client
from lienthong.demo import free_port, wait_for
from lienthong.net import client_context
from lienthong.node import DeliveryState, NodeRuntime, submit
from lienthong.store import Database, NodeStore
from node.e2e_network import E2ENetwork, NodeProcess, e2e_network
from node.node_network import RECIPIENT, SENDER, document
from support.haproxy import DEPLOYED, Balancer, Member, running_balancer, twin_home


def test_the_deployed_configuration_is_valid_for_haproxy(tmp_path: Path) -> None:
    checked = Balancer(tmp_path, [Member(8443, 9443), Member(8444, 9444)]).check()
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout + checked.stderr


def test_the_peer_backend_is_checked_on_the_api_port_and_tls_passes_through() -> None:
    """What lets the peer's client certificate reach the node, and a check need none."""
    text = DEPLOYED.read_text(encoding="utf-8")
    assert "mode tcp" in text and "mode http" not in text
    assert "uri /readyz?listener=peer" in text
    assert 'check port "${LIENTHONG_NODE1_API_PORT' in text


@dataclass
class Cluster:
    net: E2ENetwork
    balancer: Balancer
    first: NodeProcess
    second: NodeProcess


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    apis = free_port(), free_port()
    networks = e2e_network("postgresql", tmp_path, node_options={"vpcp": ("--api-port", str(apis[0]))})
    net = next(networks)
    first = net.nodes["vpcp"]
    home = twin_home(first.home, tmp_path / "vpcp-2")
    second = NodeProcess(
        "vpcp-2", home, net.configuration, tmp_path / "vpcp-2.log", options=("--api-port", str(apis[1]))
    )
    try:
        second.start()
        members = [Member(first.port, apis[0]), Member(second.port, apis[1])]
        with running_balancer(tmp_path / "haproxy", members) as balancer:
            assert balancer.wait_states({"node1": "UP", "node2": "UP"}), balancer.states()
            first.url = balancer.peer_url  # what the network publishes for vpcp from now on
            net.publish()
            assert wait_for(lambda: net.runs_published("nghe-an"), timeout=60, every=0.2)
            yield Cluster(net, balancer, first, second)
    finally:
        second.stop()
        for _ in networks:
            pass


def _delivered(database: Database, message_id: str) -> bool:
    with NodeStore.begin(database, write=False) as store:
        states = [e.state for e in store.outbox(message_id=message_id)]
    return states == [DeliveryState.DELIVERED]


def _peer_delivers(cluster: Cluster, number: str) -> None:
    """nghe-an submits to vpcp's agency: delivered through the balancer's peer frontend."""
    net = cluster.net
    with NodeRuntime(net.homes["nghe-an"]) as runtime:
        message_id = submit(runtime.node(), document(number), at=datetime.now(UTC)).message_id
    assert wait_for(lambda: _delivered(net.database("nghe-an"), message_id), timeout=120, every=0.3)
    with NodeStore.begin(net.database("vpcp"), write=False) as store:
        assert store.inbox_get(message_id, RECIPIENT) is not None


def _api_submits(cluster: Cluster, number: str, token: str) -> None:
    """An agency's software submits to vpcp through the balancer's API frontend; nghe-an gets it."""
    net = cluster.net
    package = document(number, to=(SENDER,), sender=RECIPIENT)
    with Client(cluster.balancer.api_url, token=token, verify=str(net.pki.root_path), timeout=60) as api:
        sent = api.send_package(package)
    assert wait_for(lambda: _delivered(net.database("vpcp"), sent.message_id), timeout=120, every=0.3)
    with NodeStore.begin(net.database("nghe-an"), write=False) as store:
        assert store.inbox_get(sent.message_id, SENDER) is not None


def _ready(cluster: Cluster, query: str = "") -> httpx.Response:
    url = f"{cluster.balancer.api_url}/readyz{query}"
    return httpx.get(url, verify=client_context(anchors=cluster.net.pki.root_path), timeout=30)


def test_two_processes_behind_haproxy_serve_peers_and_clients_and_survive_one_stopping(
    cluster: Cluster,
) -> None:
    token = add_client(cluster.net.database("vpcp"), "qlvb-lb", codes=[RECIPIENT], at=datetime.now(UTC)).token
    assert token is not None
    ready = _ready(cluster)
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    assert {name for name, check in ready.json()["checks"].items() if check["ok"]} == {
        "database", "configuration", "keys", "serving",
    }  # fmt: skip
    assert _ready(cluster, "?listener=peer").json()["checks"]["listener-peer"] == {"ok": True}
    _peer_delivers(cluster, "81001")
    _api_submits(cluster, "81002", token)

    cluster.first.stop()
    assert cluster.balancer.wait_states({"node1": "DOWN", "node2": "UP"}), cluster.balancer.states()
    assert _ready(cluster).status_code == 200  # the other answers
    _peer_delivers(cluster, "81003")
    _api_submits(cluster, "81004", token)
