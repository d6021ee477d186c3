"""The demo network (``lienthong.demo.start_network``: a directory serving the portal and three
nodes, each its own process, over real mutual TLS) with nodes reporting statistics every second.

    vpcp       000.00.00.G22 (Văn phòng Chính phủ)
    bo-noi-vu  000.00.00.G09 (Bộ Nội vụ)
    ha-noi     000.00.00.H26 and its departments
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lienthong.client import Client, Document, Sent
from lienthong.demo import DemoNetwork, sample_pdf, start_network
from lienthong.store import AgencyTotals, StatisticsStore, open_database

VPCP = "000.00.00.G22"
NOI_VU = "000.00.00.G09"
#: Seconds between the nodes' statistics reports.
INTERVAL = 1.0


@contextmanager
def reporting_network(state: Path) -> Iterator[DemoNetwork]:
    network = start_network(state, statistics_interval=INTERVAL)
    try:
        yield network
    finally:
        network.stop()


def api(network: DemoNetwork, name: str) -> Client:
    node = next(n for n in network.nodes if n.plan.name == name)
    return Client(node.api_url, token=node.token, verify=str(network.root), timeout=30.0)


def send(network: DemoNetwork, *, number: str, sender: str = VPCP, to: str = NOI_VU) -> Sent:
    """One document with a PDF from ``sender`` (at vpcp) to ``to``, through vpcp's API."""
    document = Document(
        sender=sender, to=[to], number=number, notation="VPCP-TTĐT", subject=f"V/v thử thống kê số {number}"
    )
    with api(network, "vpcp") as client:
        return client.compose(
            document, [("cong-van.pdf", sample_pdf(f"Cong van {number}"), "application/pdf")]
        )


def directory_totals(network: DemoNetwork) -> dict[str, AgencyTotals]:
    """What the directory holds, per agency, summed over every day (a test may cross midnight)."""
    database = open_database(f"sqlite:///{network.state / 'directory' / 'directory.db'}")
    try:
        with StatisticsStore.begin(database) as store:
            return {item.agency: item for item in store.per_agency()}
    finally:
        database.close()


def restart_directory(network: DemoNetwork) -> None:
    """Start the stopped directory again, on its port, and wait until it serves."""
    network.directory.urls.clear()
    network.directory.start(lines=1, timeout=120.0)
