"""One node as two processes behind HAProxy, one of them killed with ``kill -9`` again and again
while documents flow both ways through the balancer.

vpcp runs two ``lienthong node serve`` processes: two homes (the second a copy of the first:
the same keys and the same PostgreSQL database, its own ports) behind HAProxy on loopback, TCP
passthrough for the peer endpoint (mutual TLS ends at the node) and for the API. The network's
configuration names the balancer as vpcp's endpoint. Two flows at once:

- peer: documents submitted into nghe-an's outbox (as its API would), which nghe-an's process
  delivers to vpcp through the balancer;
- API: an application of vpcp submitting packages through the balancer (``Client.send_package``,
  the same bytes again after a failure: the node answers a repeat, never a second document),
  which vpcp's processes deliver to nghe-an.

Rounds: documents flow for a random moment, one of vpcp's processes is killed (each as often,
in a random order), then restarted on its ports. Then a bounded poll until every row is settled
and the facts are counted: each document in its recipient's inbox exactly once with an accepted
receipt, each API package in vpcp's outbox once, both message logs unbroken, and the API's
events read page after page from one process then the other (each continuing the other's
cursor) with each id once. Nothing asserts on time; the seed is printed for a replay.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lienthong.api import add_client
from lienthong.client import ApiUnavailable, Client
from lienthong.demo import free_port, wait_for
from lienthong.edxml import VIETNAM_TZ
from lienthong.node import DeliveryState, NodeRuntime, agency_reports, day_window, submit
from lienthong.store import Database, NodeStore, node_day_activity
from node.e2e_network import E2ENetwork, NodeProcess, e2e_network
from node.fault_scenario import FAULT_OPTIONS, _chain_intact
from node.node_network import RECIPIENT, SENDER, document
from support.haproxy import Balancer, Member, twin_home

CLUSTER_NODE, PEER_NODE = "vpcp", "nghe-an"
#: Seconds a restarted process has to say it serves (a loaded machine starts Python slowly).
START_TIMEOUT = 300.0


@dataclass
class Cluster:
    net: E2ENetwork
    #: vpcp's two processes (the first is the one ``e2e_network`` started).
    processes: tuple[NodeProcess, NodeProcess]
    #: Their API ports, in the same order.
    api_ports: tuple[int, int]
    balancer: Balancer
    api_url: str
    token: str

    def client(self, url: str | None = None) -> Client:
        verify = str(self.net.pki.root_path)
        return Client(url or self.api_url, token=self.token, verify=verify, timeout=30.0)


def cluster_network(base: Path) -> Iterator[Cluster]:
    """The network of ``e2e_network`` on PostgreSQL, vpcp as two processes behind HAProxy."""
    apis = (free_port(), free_port())
    networks = e2e_network(
        "postgresql",
        base,
        options=FAULT_OPTIONS,
        node_options={CLUSTER_NODE: ("--api-port", str(apis[0]))},
        start_timeout=START_TIMEOUT,
    )
    net = next(networks)
    first = net.nodes[CLUSTER_NODE]
    # Both homes keep their blobs in the shared database: nothing on disk is shared.
    assert json.loads((first.home / "node.json").read_text(encoding="utf-8"))["blobs"] == "postgresql"
    home = twin_home(first.home, base / f"{CLUSTER_NODE}-2")
    assert not (home / "blobs").exists()
    options = (*FAULT_OPTIONS, "--api-port", str(apis[1]))
    second = NodeProcess(f"{CLUSTER_NODE}-2", home, net.configuration, base / "vpcp-2.log", options=options)
    balancer: Balancer | None = None
    try:
        second.start(timeout=START_TIMEOUT)
        # The configuration operators install (deploy/haproxy), checks on /readyz included.
        balancer = Balancer(base / "haproxy", [Member(first.port, apis[0]), Member(second.port, apis[1])])
        balancer.start()
        assert balancer.wait_states({"node1": "UP", "node2": "UP"}, timeout=START_TIMEOUT), balancer.states()
        net.endpoints[CLUSTER_NODE] = balancer.peer_url
        net.publish()
        assert wait_for(lambda: net.runs_published(PEER_NODE), timeout=60), "nghe-an kept the old endpoint"
        issued = add_client(net.database(CLUSTER_NODE), "qlvb", codes=[RECIPIENT], at=datetime.now(UTC))
        assert issued.token is not None
        yield Cluster(net, (first, second), apis, balancer, balancer.api_url, issued.token)
    finally:
        if balancer is not None:
            balancer.stop()
        second.stop()
        for _ in networks:
            pass


@dataclass(frozen=True, slots=True)
class ClusterCounts:
    seed: int
    #: Documents of each flow: nghe-an to vpcp through the balancer; vpcp's API to nghe-an.
    peer_documents: int
    api_documents: int
    kills: int
    delivered: int
    inbox_rows: int
    inbox_distinct: int
    accepted_receipts: int
    #: Rows in vpcp's outbox for the API's packages (one each: a repeat is not a second document).
    api_outbox_rows: int
    chains_intact: bool
    #: Events read alternately from both processes: how many, and how many distinct ids.
    events: int
    events_distinct: int
    #: Peer documents among the ``document.received`` events, each once.
    events_received: int
    #: API submissions repeated after a failure (the node answered ``repeated`` or accepted it then).
    api_repeats: int
    #: What vpcp's statistics report for G22 (today and yesterday): documents sent, received.
    reported_sent: int
    reported_received: int
    seconds: float

    @property
    def documents(self) -> int:
        return self.peer_documents + self.api_documents

    @property
    def exactly_once(self) -> bool:
        return (
            self.documents
            == self.delivered
            == self.inbox_rows
            == self.inbox_distinct
            == self.accepted_receipts
            and self.api_outbox_rows == self.api_documents
        )

    @property
    def statistics_once(self) -> bool:
        """The figures a report is built from count each document once (not once per process)."""
        return (self.reported_sent, self.reported_received) == (self.api_documents, self.peer_documents)

    @property
    def events_once(self) -> bool:
        return self.events == self.events_distinct and self.events_received == self.peer_documents

    def line(self) -> str:
        return (
            f"seed={self.seed} documents={self.peer_documents}+{self.api_documents} kills={self.kills} "
            f"delivered={self.delivered} inbox_rows={self.inbox_rows} inbox_distinct={self.inbox_distinct} "
            f"accepted_receipts={self.accepted_receipts} api_outbox_rows={self.api_outbox_rows} "
            f"chains_intact={self.chains_intact} events={self.events}/{self.events_distinct} "
            f"events_received={self.events_received} api_repeats={self.api_repeats} "
            f"reported=({self.reported_sent}, {self.reported_received}) seconds={self.seconds:.1f}"
        )


@dataclass
class _ApiFlow:
    """vpcp's application submitting ``count`` packages through the balancer, one after another."""

    cluster: Cluster
    count: int
    message_ids: list[str] = field(default_factory=list)
    repeats: int = 0
    error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.cluster.client() as client:
                for number in range(self.count):
                    data = document(f"8{number:05d}", sender=RECIPIENT, to=(SENDER,))
                    self.message_ids.append(self._send(client, data))
        except BaseException as exc:  # the main thread reports it
            self.error = exc

    def _send(self, client: Client, data: bytes) -> str:
        for attempt in range(60):  # bounded: a process is down for a moment only
            try:
                return client.send_package(data).message_id
            except ApiUnavailable:  # the answer was lost with a killed process: the same bytes again
                self.repeats += 1
                time.sleep(min(0.2 * (attempt + 1), 2.0))
        raise AssertionError("the API never took a package")


def _outbox_settled(database: Database, wanted: set[str]) -> bool:
    with NodeStore.begin(database, write=False) as store:
        rows = [e for e in store.outbox(document_id=None) if e.message_id in wanted]
    return len(rows) >= len(wanted) and all(e.state is DeliveryState.DELIVERED for e in rows)


def _flow_counts(sender: Database, receiver: Database, recipient: str, ids: Sequence[str]) -> tuple[int, ...]:
    """(delivered, inbox rows, inbox distinct, accepted receipts, sender's outbox rows) of ``ids``."""
    wanted = set(ids)
    with NodeStore.begin(sender, write=False) as store:
        rows = [e for e in store.outbox() if e.message_id in wanted]
        delivered = sum(1 for e in rows if e.state is DeliveryState.DELIVERED and e.receipt_sha256)
        accepted = {r.message_id for r in store.receipts(message_ids=list(ids)) if r.accepted}
    with NodeStore.begin(receiver, write=False) as store:
        inbox = [
            (e.message_id, e.recipient) for e in store.inbox(recipient=recipient) if e.message_id in wanted
        ]
    return delivered, len(inbox), len(set(inbox)), len(accepted & wanted), len(rows)


def _reported(database: Database, agency: str) -> tuple[int, int]:
    """(sent, received) in the statistics reports of ``agency`` for today and yesterday (a run may
    cross midnight), built from the database as the reporter builds them."""
    now = datetime.now(UTC)
    today = now.astimezone(VIETNAM_TZ).date()
    sent = received = 0
    for day in (today - timedelta(days=1), today):
        start, end = day_window(day)
        activity = node_day_activity(database, start=start, end=end)
        if agency in activity.agencies:
            [report] = agency_reports(
                activity, node=CLUSTER_NODE, agencies=[agency], day=day, at=now, config_version=None,
                certificate_expiry=None,
            )  # fmt: skip
            sent, received = sent + report.sent, received + report.received
    return sent, received


def _events_across(cluster: Cluster) -> list[tuple[int, str, str]]:
    """Every event of the application, a page from one process, the next from the other."""
    clients = [cluster.client(f"https://127.0.0.1:{port}") for port in cluster.api_ports]
    seen: list[tuple[int, str, str]] = []
    after = 0
    try:
        for page_number in range(100_000):
            page = clients[page_number % 2].events(after=after, limit=50)
            seen += [(e.id, e.type, e.message_id) for e in page.events]
            if page.next_after == after:
                break
            after = page.next_after
    finally:
        for client in clients:
            client.close()
    return seen


def run_cluster(
    cluster: Cluster, *, documents: int, kills: int, seed: int, settle_timeout: float = 300.0
) -> ClusterCounts:
    """Run the scenario (half the documents each way); returns what was counted."""
    rand = random.Random(seed)
    started = time.monotonic()
    net = cluster.net
    victims = [n % 2 for n in range(kills)]
    rand.shuffle(victims)
    rounds = kills + 1
    peer_total = documents - documents // 2
    share = -(-peer_total // rounds)
    api = _ApiFlow(cluster, documents // 2)
    submitter = threading.Thread(target=api.run, name="api-flow")
    submitter.start()
    peer_ids: list[str] = []
    with NodeRuntime(net.homes[PEER_NODE]) as runtime:
        for round_number in range(rounds):
            for _ in range(min(share, peer_total - len(peer_ids))):
                data = document(f"9{len(peer_ids):05d}")
                peer_ids.append(submit(runtime.node(), data, at=datetime.now(UTC)).message_id)
            if round_number == kills:
                break
            time.sleep(rand.uniform(0.3, 1.5))  # a random moment into the flow, not a deadline
            victim = cluster.processes[victims[round_number]]
            victim.kill()
            time.sleep(rand.uniform(0.0, 0.5))  # down for a moment: the balancer sends to the other
            victim.start(timeout=START_TIMEOUT)  # the same ports: the balancer's backend comes back
    submitter.join(timeout=settle_timeout)
    assert not submitter.is_alive(), "the API flow did not end"
    if api.error is not None:
        raise api.error
    peer, vpcp = net.database(PEER_NODE), net.database(CLUSTER_NODE)
    wait_for(lambda: _outbox_settled(peer, set(peer_ids)), timeout=settle_timeout, every=0.5)
    wait_for(lambda: _outbox_settled(vpcp, set(api.message_ids)), timeout=settle_timeout, every=0.5)
    inbound = _flow_counts(peer, vpcp, RECIPIENT, peer_ids)
    outbound = _flow_counts(vpcp, peer, SENDER, api.message_ids)
    peer_ok, _ = _chain_intact(peer)
    vpcp_ok, _ = _chain_intact(vpcp)
    events = _events_across(cluster)
    reported = _reported(vpcp, RECIPIENT)
    received = Counter(m for _, kind, m in events if kind == "document.received")
    return ClusterCounts(
        seed=seed,
        peer_documents=len(peer_ids),
        api_documents=len(api.message_ids),
        kills=kills,
        delivered=inbound[0] + outbound[0],
        inbox_rows=inbound[1] + outbound[1],
        inbox_distinct=inbound[2] + outbound[2],
        accepted_receipts=inbound[3] + outbound[3],
        api_outbox_rows=outbound[4],
        chains_intact=peer_ok and vpcp_ok,
        events=len(events),
        events_distinct=len({event_id for event_id, _, _ in events}),
        events_received=sum(1 for m in peer_ids if received[m] == 1),
        api_repeats=api.repeats,
        reported_sent=reported[0],
        reported_received=reported[1],
        seconds=time.monotonic() - started,
    )
