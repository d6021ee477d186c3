"""Statistics reporting by nodes: the day's records read from the store (both backends), the
reporter's revisions kept across runs, and real node processes reporting to a real directory,
through an outage of the directory, each document counted once."""

from __future__ import annotations

import dataclasses
import random
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lienthong.demo import DemoNetwork, wait_for
from lienthong.edxml import VIETNAM_TZ, DocumentBuilder, StatusCode, write_package
from lienthong.net import client_context
from lienthong.node import Node, agency_reports, day_window, deliver_due, next_sequence, submit
from lienthong.server import STATISTICS_FILE, ReporterState, StatisticsReporter
from lienthong.statistics import (
    ReportOutbox,
    ReportSignatureInvalid,
    StatisticsClient,
    StatisticsReport,
    load_node_key,
    verify_report,
)
from lienthong.store import Lease, node_day_activity
from lienthong.trust import sign_pdf
from node.node_network import AT, OTHER_SENDER, RECIPIENT, SENDER, Network, document, status
from portal.live_network import NOI_VU, VPCP, directory_totals, reporting_network, restart_directory, send
from trust.trust_pdf import minimal_pdf

DAY = AT.astimezone(VIETNAM_TZ).date()
LEASE = timedelta(seconds=5)


def _deliver(network: Network) -> None:
    rand = random.Random(3)
    for _ in range(5):
        done = deliver_due(network.sender, network.transport, now=AT, rand=rand)
        done += deliver_due(network.receiver, network.transport, now=AT, rand=rand)
        if not done:
            return


def _two_documents_one_refused(network: Network) -> None:
    first = submit(network.sender, document("1"), at=AT)
    second = submit(network.sender, document("2"), at=AT)
    _deliver(network)
    submit(network.receiver, status(first.document_id, StatusCode.RECEIVED), at=AT)
    submit(network.receiver, status(second.document_id, StatusCode.REFUSED), at=AT)
    _deliver(network)


def _report(network: Network, node: str, agency: str) -> StatisticsReport:
    database = (network.sender if node == "nghe-an" else network.receiver).database
    start, end = day_window(DAY)
    activity = node_day_activity(database, start=start, end=end)
    assert agency in activity.agencies
    [report] = agency_reports(
        activity, node=node, agencies=[agency], day=DAY, at=AT, config_version=1, certificate_expiry=None
    )
    return report


def test_the_day_read_from_the_store_makes_the_reports(network: Network) -> None:
    _two_documents_one_refused(network)

    sent = _report(network, "nghe-an", SENDER)
    assert (sent.sent, sent.received, sent.refusals, sent.failures) == (2, 0, 1, 0)
    assert sent.sent_to == ((RECIPIENT, 2),)
    assert sent.latency.count == 2  # both reached the node; one was refused by the agency after
    assert sent.statuses == ()
    assert sent.last_activity is not None and sent.last_activity >= AT

    received = _report(network, "vpcp", RECIPIENT)
    assert (received.sent, received.received) == (0, 2)
    assert received.statuses == (("01", 1), ("02", 1))

    # Another day holds nothing.
    start, end = day_window(DAY - timedelta(days=1))
    assert node_day_activity(network.sender.database, start=start, end=end).agencies == frozenset()


def test_a_refusal_counts_against_its_senders_document_only(network: Network) -> None:
    """H41 and G09 (both at nghe-an) send G22 documents of one DocumentId; G22 refuses G09's."""
    shared = "000.00.00.H41,2026/03/02,1/UBND-VP"
    submit(network.sender, document("1"), at=AT)
    submit(network.sender, document("2", sender=OTHER_SENDER, document_id=shared), at=AT)
    _deliver(network)
    submit(network.receiver, status(shared, StatusCode.REFUSED, original_sender=OTHER_SENDER), at=AT)
    _deliver(network)
    assert _report(network, "nghe-an", SENDER).refusals == 0
    assert _report(network, "nghe-an", OTHER_SENDER).refusals == 1


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"https://127.0.0.1:{sock.getsockname()[1]}"


def _reporter(
    network: Network,
    home: Path,
    clock: Callable[[], datetime] | None = None,
    lease: Lease | None = None,
    *,
    node_seal: bool = False,
    current: Callable[[], Node] | None = None,
) -> StatisticsReporter:
    pki = network.pki
    issued = pki.pki.issued("nghe-an")
    tls = client_context(anchors=pki.pki.root_path, certificate=issued.cert_path, key=issued.key_path)
    return StatisticsReporter(
        current or (lambda: network.sender),
        state_path=home / STATISTICS_FILE,
        key=None if node_seal else load_node_key(issued.key_path),  # None: the node's seal
        client=StatisticsClient(_closed_port(), tls=tls, timeout=5),
        interval=1.0,
        clock=clock or (lambda: AT + timedelta(minutes=1)),
        lease=lease,
    )


def _signed_document(network: Network, number: str) -> bytes:
    pdf = sign_pdf(minimal_pdf(f"Cong van {number}"), network.pki.signers[SENDER])
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(number, "UBND-VP")
    builder = builder.subject(f"V/v văn bản số {number}").recipient(RECIPIENT)
    return write_package(builder.attach("cong-van.pdf", pdf, content_type="application/pdf").build(at=AT))


def test_revisions_are_kept_across_runs_and_unchanged_figures_not_resent(
    network: Network, tmp_path: Path
) -> None:
    key = f"nghe-an/{SENDER}/{DAY.isoformat()}"
    reporter = _reporter(network, tmp_path)
    submit(network.sender, document("1"), at=AT)
    first = reporter.run_once()  # the directory is unreachable: the reports wait
    [waiting] = [p for p in first.outbox.pending if p.key == key]  # (and yesterday's, empty)
    assert (waiting.key, waiting.signed.report.sent, waiting.attempts) == (key, 1, 1)
    assert waiting.last_error

    again = reporter.run_once()  # nothing changed: no new revision
    assert again.revisions == first.revisions
    assert [p.sequence for p in again.outbox.pending if p.key == key] == [waiting.sequence]

    submit(network.sender, _signed_document(network, "2"), at=AT)
    restarted = _reporter(network, tmp_path)  # a new process reads the file
    hurried = restarted.run_once(verify_seconds=0)  # no time to verify PDFs: counted unsigned
    [counted] = [p for p in hurried.outbox.pending if p.key == key]  # the later revision replaced it
    assert (counted.signed.report.sent, counted.signed.report.signed_pdf) == (2, 0)
    assert counted.sequence > waiting.sequence
    later = restarted.run_once()  # verified now: one more revision
    [replaced] = [p for p in later.outbox.pending if p.key == key]
    assert (replaced.signed.report.sent, replaced.signed.report.signed_pdf) == (2, 1)
    assert replaced.sequence > counted.sequence
    kept = ReporterState.from_json((tmp_path / STATISTICS_FILE).read_bytes(), outbox=ReportOutbox())
    assert [p.sequence for p in kept.outbox.pending if p.key == key] == [replaced.sequence]
    restarted.stop()
    reporter.stop()


def test_an_unchanged_day_still_heartbeats_once_per_interval(network: Network, tmp_path: Path) -> None:
    now = [AT + timedelta(minutes=1)]
    reporter = _reporter(network, tmp_path, clock=lambda: now[0])
    submit(network.sender, document("1"), at=AT)
    key = f"{SENDER}/{DAY.isoformat()}"
    first = reporter.run_once()
    [report] = [p.signed.report for p in first.outbox.pending if p.key == f"nghe-an/{key}"]
    assert report.interval == 1.0  # the directory learns when to call the node silent

    now[0] += timedelta(seconds=0.2)  # within the interval, nothing moved: nothing new
    assert reporter.run_once().revisions == first.revisions

    now[0] += timedelta(seconds=1)  # an interval later, nothing moved: one report again
    beat = reporter.run_once()
    [renewed] = [k for k, r in beat.revisions.items() if r != first.revisions[k]]
    assert beat.revisions[renewed].sequence > first.revisions[renewed].sequence
    assert beat.revisions[renewed].figures == first.revisions[renewed].figures
    [again] = [p.signed.report for p in beat.outbox.pending if p.key == f"nghe-an/{renewed}"]
    assert again.sequence == beat.revisions[renewed].sequence
    reporter.stop()


def test_reports_are_signed_with_the_seal_of_the_node_in_use_at_each_round(
    network: Network, tmp_path: Path
) -> None:
    """A serving node's reporter is given no key: a seal renewed while it serves (``rekey``)
    signs the next report, not the one loaded at start."""
    current = [network.sender]
    reporter = _reporter(network, tmp_path, node_seal=True, current=lambda: current[0])
    submit(network.sender, document("1"), at=AT)
    key = f"nghe-an/{SENDER}/{DAY.isoformat()}"
    [first] = [p.signed for p in reporter.run_once().outbox.pending if p.key == key]
    verify_report(first, network.sender.key.certificate)
    renewed = network.pki.signers[OTHER_SENDER]  # any other key stands for the renewed seal
    current[0] = dataclasses.replace(network.sender, key=renewed)
    submit(network.sender, document("2"), at=AT)  # the figures move: a new revision
    [second] = [p.signed for p in reporter.run_once().outbox.pending if p.key == key]
    assert second.report.sequence > first.report.sequence
    verify_report(second, renewed.certificate)
    with pytest.raises(ReportSignatureInvalid):
        verify_report(second, network.sender.key.certificate)
    reporter.stop()


def test_two_processes_of_one_node_report_once_and_the_survivor_takes_over(
    network: Network, tmp_path: Path
) -> None:
    """Two reporters on one database (two processes, each its home): only the lease holder
    reports; once it is gone (killed: no release) the other reports after the lease time, the
    day's totals from the database (not its own share), at a revision number above the dead one's."""
    now = [AT + timedelta(minutes=1)]
    key = f"nghe-an/{SENDER}/{DAY.isoformat()}"

    def reporter(name: str) -> StatisticsReporter:
        (tmp_path / name).mkdir()
        database = network.sender.database
        lease = Lease(database, "statistics-reports", ttl=LEASE, holder=name, clock=lambda: now[0])
        return _reporter(network, tmp_path / name, clock=lambda: now[0], lease=lease)

    first, second = reporter("first"), reporter("second")
    submit(network.sender, document("1"), at=AT)
    [sent] = [p for p in first.run_once().outbox.pending if p.key == key]
    assert sent.signed.report.sent == 1
    assert second.run_once().outbox.pending == (), "both processes reported"

    submit(network.sender, document("2"), at=AT)  # (by either process: one outbox)
    now[0] += LEASE  # the first one was killed: it renewed the lease no more
    [taken] = [p for p in second.run_once().outbox.pending if p.key == key]
    assert taken.signed.report.sent == 2, "the node's totals, not one process's share"
    assert taken.sequence > sent.sequence  # the directory keeps it over the dead one's
    now[0] += timedelta(seconds=1)
    first.run_once()  # restarted: the lease is the other's now
    assert first.load().revisions[key.partition("/")[2]].sequence == sent.sequence, "it reported again"


def test_revision_numbers_grow_even_without_the_file() -> None:
    start, _ = day_window(DAY)
    assert next_sequence(0, DAY, start) == 1
    assert next_sequence(0, DAY, start + timedelta(hours=2)) == 7200
    assert next_sequence(7200, DAY, start + timedelta(hours=2)) == 7201


def _held(network: DemoNetwork) -> tuple[int, int, int]:
    totals = directory_totals(network)
    sent = totals[VPCP].totals.sent if VPCP in totals else 0
    received = totals[NOI_VU].totals.received if NOI_VU in totals else 0
    return sent, received, sum(t.totals.documents for t in totals.values())


def _waiting(network: DemoNetwork) -> list[int]:
    """Documents sent by G22 in the reports vpcp holds back (the directory being down)."""
    home = next(n.home for n in network.nodes if n.plan.name == "vpcp")
    path = home / STATISTICS_FILE
    if not path.exists():
        return []
    state = ReporterState.from_json(path.read_bytes(), outbox=ReportOutbox())
    return [p.signed.report.sent for p in state.outbox.pending if p.signed.report.agency == VPCP]


def test_nodes_report_to_the_directory_once_through_an_outage(tmp_path: Path) -> None:
    with reporting_network(tmp_path / "state") as network:
        for number in ("1", "2", "3"):
            send(network, number=number)
        assert wait_for(lambda: _held(network) == (3, 3, 6), timeout=180), _held(network)

        network.directory.stop()
        for number in ("4", "5"):
            send(network, number=number)  # the nodes route from their cached configuration
        assert wait_for(lambda: 5 in _waiting(network), timeout=120), _waiting(network)
        assert _held(network) == (3, 3, 6)

        restart_directory(network)
        assert wait_for(lambda: _held(network) == (5, 5, 10), timeout=180), _held(network)
        assert wait_for(lambda: _waiting(network) == [], timeout=120)
        # Every report again, a few rounds later: still counted once.
        assert _held(network) == (5, 5, 10)
        states = [
            ReporterState.from_json((n.home / STATISTICS_FILE).read_bytes(), outbox=ReportOutbox())
            for n in network.nodes
        ]
        assert all(state.revisions for state in states)  # every node reported its agencies
