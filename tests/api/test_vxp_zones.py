"""The VXP API over real TLS: clients whose clocks run on UTC or on Vietnam's time, a client
pinned to a zone, and replays, also to a second app (as a second process) on the same database.

The timestamp carries no zone (EDXML.md §4): by default the node reads it both ways.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import httpx
import pytest

from lienthong.api import add_client, create_app
from lienthong.client import ApiRefused, VxpClient
from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from lienthong.node import Node
from lienthong.store import open_database
from lienthong.vxp import VIETNAM, sign_headers
from node.node_network import AT, RECIPIENT, Network

_LIST = {"servicetype": "eDoc", "messagetype": "edoc"}


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = AT

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Served:
    url: str
    second_url: str  # another app on the same database, through its own engine
    anchors: Path
    clock: Clock
    #: systemid -> secret
    secrets: dict[str, str]

    def client(self, systemid: str, zone: tzinfo, *, at: datetime = AT, url: str | None = None) -> VxpClient:
        return VxpClient(
            f"{url or self.url}/vxp",
            systemid=systemid,
            secret=self.secrets[systemid],
            verify=self.anchors,
            clock=lambda: at,
            zone=zone,
        )

    def post(self, url: str, headers: dict[str, str]) -> dict[str, str]:
        """One signed request sent as it is (so it can be sent again); the JSON answer."""
        with httpx.Client(base_url=url, verify=client_context(anchors=self.anchors, http2=False)) as http:
            answer = http.post("/vxp/getReceivedEdocList", headers=headers)
        assert answer.status_code == 200, answer.text
        found = answer.json()
        assert isinstance(found, dict)
        return found


def _serve(node: Node, clock: Clock, network: Network, tmp_path: Path) -> ServerThread:
    issued = network.pki.pki.issued(node.name)
    fullchain = tmp_path / f"{node.name}-{id(node)}.fullchain.pem"
    fullchain.write_bytes(issued.cert_path.read_bytes() + network.pki.pki.issuing_path.read_bytes())
    tls = server_context(certificate=fullchain, key=issued.key_path, client_anchors=None)
    return serve_in_thread(create_app(node, clock=clock), tls)


@pytest.fixture
def served(network: Network, tmp_path: Path) -> Iterator[Served]:
    secrets = {}
    for systemid, zone in (("qlvb-any", None), ("qlvb-vn", "Asia/Ho_Chi_Minh"), ("qlvb-utc", "UTC")):
        issued = add_client(
            network.receiver.database,
            systemid,
            codes=[RECIPIENT],
            at=AT,
            vxp_systemid=systemid,
            vxp_timezone=zone,
        )
        assert issued.secret is not None
        secrets[systemid] = issued.secret
    clock = Clock()
    # As a second process of the same node would: its own engine (and connections), its own app.
    other_database = open_database(network.receiver.database.engine.url.render_as_string(hide_password=False))
    other = dataclasses.replace(network.receiver, database=other_database)
    first, second = (
        _serve(network.receiver, clock, network, tmp_path),
        _serve(other, clock, network, tmp_path),
    )
    try:
        yield Served(first.url, second.url, network.pki.pki.root_path, clock, secrets)
    finally:
        first.stop()
        second.stop()
        other_database.close()


@pytest.mark.parametrize("zone", [UTC, VIETNAM], ids=["utc-clock", "vietnam-clock"])
def test_a_client_whose_clock_runs_on_utc_or_vietnams_time_is_accepted_by_default(
    served: Served, zone: tzinfo
) -> None:
    with served.client("qlvb-any", zone) as client:
        assert client.call("countReceiveEdoc", _LIST)["count"] == 0
        assert client.received() == []


def test_a_client_pinned_to_vietnams_time_sending_utc_wall_time_is_refused_stale(served: Served) -> None:
    with served.client("qlvb-vn", UTC) as client, pytest.raises(ApiRefused) as refused:
        client.received()
    assert refused.value.code == "vxp-stale"
    with served.client("qlvb-vn", VIETNAM) as client:
        assert client.received() == []


def test_a_client_pinned_to_utc_sending_vietnams_wall_time_is_refused_stale(served: Served) -> None:
    with served.client("qlvb-utc", VIETNAM) as client, pytest.raises(ApiRefused) as refused:
        client.received()
    assert refused.value.code == "vxp-stale"
    with served.client("qlvb-utc", UTC) as client:
        assert client.received() == []


def test_a_replay_is_refused_when_presented_again_in_the_other_readings_window(served: Served) -> None:
    """Signed on Vietnam's time; seven hours later the same text read as UTC is fresh again."""
    once = sign_headers(_LIST, systemid="qlvb-any", secret=served.secrets["qlvb-any"], at=AT, zone=VIETNAM)
    assert served.post(served.url, once)["status"] == "OK"
    served.clock.now = AT + timedelta(hours=7, minutes=3)
    # The server's clock has moved indeed: a UTC client now is accepted.
    with served.client("qlvb-any", UTC, at=served.clock.now) as client:
        assert client.received() == []
    again = served.post(served.url, once)
    assert again["status"] == "FAIL" and again["ErrorCode"] == "vxp-replay"


def test_a_replay_sent_to_a_second_app_on_the_same_database_is_refused(served: Served) -> None:
    once = sign_headers(_LIST, systemid="qlvb-any", secret=served.secrets["qlvb-any"], at=AT, zone=UTC)
    assert served.post(served.second_url, once)["status"] == "OK"
    again = served.post(served.url, once)
    assert again["status"] == "FAIL" and again["ErrorCode"] == "vxp-replay"
    # And the second app serves its own clients as the first does.
    with served.client("qlvb-any", VIETNAM, url=served.second_url) as client:
        assert client.received() == []


def test_an_unknown_systemid_and_a_wrong_hmac_get_the_identical_answer(served: Served) -> None:
    wrong = sign_headers(_LIST, systemid="qlvb-any", secret="not-the-secret", at=AT)
    unknown = sign_headers(_LIST, systemid="nobody", secret="not-the-secret", at=AT)
    answers = [served.post(served.url, wrong), served.post(served.url, unknown)]
    assert answers[0] == answers[1]
    assert answers[0]["status"] == "FAIL" and answers[0]["ErrorCode"] == "vxp-auth-failed"
