"""The VXP API of a running node (``lienthong node serve``, real processes, TLS): a client on
UTC and one on Vietnam's time are both served, and a second process serving the same node (the
same home and database) refuses a request the first one accepted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo

import httpx
import pytest

from api.api_nodes import LiveApi, api_url, live_api
from lienthong.api import add_client
from lienthong.client import VxpClient
from lienthong.net import client_context
from lienthong.vxp import VIETNAM, sign_headers
from node.e2e_network import NodeProcess
from node.node_network import RECIPIENT

NODE = "vpcp"
_LIST = {"servicetype": "eDoc", "messagetype": "edoc"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    yield from live_api(tmp_path_factory.mktemp("vxp-live"))


@pytest.fixture(scope="module")
def secret(live: LiveApi) -> str:
    issued = add_client(
        live.net.database(NODE),
        "qlvb-live",
        codes=[RECIPIENT],
        at=datetime.now(UTC),
        vxp_systemid="qlvb-live",
    )
    assert issued.secret is not None
    return issued.secret


@pytest.mark.parametrize("zone", [UTC, VIETNAM], ids=["utc-clock", "vietnam-clock"])
def test_a_running_node_serves_a_vxp_client_whose_clock_runs_on_utc_or_vietnams_time(
    live: LiveApi, secret: str, zone: tzinfo
) -> None:
    endpoint = f"{live.urls[NODE]}/vxp"
    with VxpClient(
        endpoint, systemid="qlvb-live", secret=secret, verify=live.anchors(NODE), zone=zone
    ) as client:
        assert client.call("countReceiveEdoc", _LIST)["status"] == "OK"


def test_a_second_process_serving_the_same_node_refuses_a_replay(
    live: LiveApi, secret: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first = live.net.nodes[NODE]
    second = NodeProcess(
        f"{NODE}-2", first.home, first.configuration, tmp_path_factory.mktemp("vxp-live-2") / "node.log"
    )
    second.start()
    try:
        urls = [live.urls[NODE], api_url(second)]
        once = sign_headers(_LIST, systemid="qlvb-live", secret=secret, at=datetime.now(UTC), zone=UTC)
        answers = []
        for url in urls:
            with httpx.Client(verify=client_context(anchors=live.anchors(NODE), http2=False)) as http:
                answers.append(http.post(f"{url}/vxp/getReceivedEdocList", headers=once).json())
        assert answers[0]["status"] == "OK", answers
        assert answers[1]["status"] == "FAIL" and answers[1]["ErrorCode"] == "vxp-replay", answers
    finally:
        second.stop()
