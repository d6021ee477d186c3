"""``StatisticsReporter``: the thread that tells the directory, every ``interval`` seconds, what
each agency served here did today, in signed reports (``lienthong.statistics``).

Each round reads the day from the database (``node_day_activity``), builds one report per agency
(``lienthong.node.reported_agencies``: the node's own subtree roots, and every served code with
activity that day), and queues a new revision only when the figures differ from the last one
queued, or, when nothing changed for half an interval, the first report again as a heartbeat
(reports carry the interval: the directory calls a node silent for two of them not reporting).
Yesterday is built once more after midnight, so what happened late that day, and the
deliveries settled after it, reach the directory. The outbox and the revision numbers live in
``HOME/statistics-outbox.json`` (written to a temporary file, then renamed): a restart or a
directory outage neither loses a report nor sends a revision number twice. A failed round is
logged and retried at the next one; it never stops the node.

Several processes of one node (one database) report once: a round runs only in the process
holding the ``statistics-reports`` lease (``lienthong.store.Lease``), renewed at each round; when
its holder dies another takes it over after one and a half intervals. Figures are never added up
across processes anyway: each report carries the day's totals read from the shared database, and
the directory keeps the newest revision per agency and day (a takeover starts at a revision number
above any used, ``next_sequence``); the lease keeps two processes from sending rival revisions.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from time import monotonic
from typing import Final

from cryptography import x509

from lienthong._clock import Clock, utc_now
from lienthong._loop import BackgroundLoop, Round
from lienthong.edxml import VIETNAM_TZ
from lienthong.net import client_context
from lienthong.node import (
    Node,
    NodeRuntime,
    agency_reports,
    day_window,
    figures_of,
    next_sequence,
    pdf_signatures_valid,
    reported_agencies,
)
from lienthong.statistics import (
    NodeKey,
    ReportOutbox,
    StatisticsClient,
    StatisticsReport,
    sign_report,
)
from lienthong.store import DayActivity, Lease, node_day_activity

#: The name it logged under in ``lienthong.node``: log filters and readers keep working.
_log = logging.getLogger("lienthong.node.statistics")

#: The reporter's file in the node's home.
STATISTICS_FILE: Final = "statistics-outbox.json"
_FORMAT: Final = "lienthong-statistics-state/1"
#: Revisions and closed days older than this are forgotten (their reports were built for good).
_KEEP: Final = timedelta(days=7)
MAX_VERDICTS: Final = 200_000
#: The lease a reporting process holds (one per node database).
LEASE_NAME: Final = "statistics-reports"


def lease_time(interval: float) -> timedelta:
    """How long a round's hold on the lease lasts: one and a half intervals (a round a little
    late keeps it), at least five seconds."""
    return timedelta(seconds=max(interval * 1.5, 5.0))


@dataclass(frozen=True, slots=True)
class Revision:
    """The last revision queued for one (agency, day)."""

    sequence: int
    #: SHA-256 of its figures (the report without its sequence and generation time).
    figures: str


@dataclass(frozen=True, slots=True)
class ReporterState:
    """What the reporter keeps between rounds and runs."""

    outbox: ReportOutbox = field(default_factory=ReportOutbox)
    #: ``agency/day`` → the last revision queued.
    revisions: Mapping[str, Revision] = field(default_factory=dict)
    #: Days whose report was built once after they ended.
    closed: frozenset[date] = frozenset()

    def to_json(self) -> bytes:
        document = {
            "format": _FORMAT,
            "outbox": json.loads(self.outbox.to_json()),
            "revisions": {k: [r.sequence, r.figures] for k, r in sorted(self.revisions.items())},
            "closed": sorted(day.isoformat() for day in self.closed),
        }
        return json.dumps(document, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes, *, outbox: ReportOutbox) -> ReporterState:
        """The state in ``data``; its waiting reports go into ``outbox`` (which sets the backoff)."""
        document = json.loads(data)
        if document.get("format") != _FORMAT:
            raise ValueError(f"not a {_FORMAT} file")
        loaded = ReportOutbox.from_json(json.dumps(document["outbox"]).encode())
        return cls(
            dataclasses.replace(outbox, pending=loaded.pending),
            {str(k): Revision(int(v[0]), str(v[1])) for k, v in document["revisions"].items()},
            frozenset(date.fromisoformat(day) for day in document["closed"]),
        )

    def forget_before(self, day: date) -> ReporterState:
        return dataclasses.replace(
            self,
            revisions={k: r for k, r in self.revisions.items() if date.fromisoformat(k[-10:]) >= day},
            closed=frozenset(d for d in self.closed if d >= day),
        )


def _changed(revisions: Mapping[str, Revision], report: StatisticsReport) -> bool:
    """Whether ``report``'s figures differ from the last revision queued for its agency and day."""
    previous = revisions.get(f"{report.agency}/{report.day.isoformat()}")
    return previous is None or previous.figures != figures_of(report)


class StatisticsReporter:
    """Builds, queues and sends the node's reports in a background thread. ``stop`` is bounded."""

    def __init__(
        self,
        current: Callable[[], Node],
        *,
        state_path: Path,
        key: NodeKey | None = None,
        client: StatisticsClient,
        interval: float,
        certificate_expiry: datetime | None = None,
        clock: Clock = utc_now,
        lease: Lease | None = None,
    ) -> None:
        """``lease``: held by the process that reports, among those sharing the database (None:
        this process always reports)."""
        self._current = current
        self._lease = lease
        self._path = state_path
        #: None: the seal of the node in use at each round (a renewed seal signs the next one).
        self._key = key
        self._client = client
        self._interval = interval
        self._expiry = certificate_expiry
        self._clock = clock
        # Backoff scaled to the interval: a node reporting every second retries within seconds.
        base = min(timedelta(seconds=30), timedelta(seconds=max(interval, 0.1)))
        self._empty = ReportOutbox(base=base, cap=min(timedelta(hours=1), max(base, base * 12)))
        #: Package SHA-256 → PDF signatures verified: each package is verified once per process.
        self._verdicts: dict[str, bool] = {}
        #: When this process last queued a revision: none for an interval, and one is sent anyway.
        self._queued_at: datetime | None = None
        # A failed round is retried at the next one (the outbox backs off the sending).
        self._loop = BackgroundLoop(
            "statistics round",
            self._round,
            log=_log,
            interval=interval,
            final=self._last_round,
            thread="lienthong-statistics",
        )
        self._lock = threading.Lock()

    @classmethod
    def for_runtime(
        cls, runtime: NodeRuntime, *, fullchain: Path, interval: float
    ) -> StatisticsReporter | None:
        """The reporter of a serving node; None when it does not report (disabled, or no directory)."""
        home = runtime.home
        if interval <= 0:
            return None
        if home.directory_url is None or home.directory_tls_anchors is None:
            _log.info("no directory URL in node.json: statistics are not reported")
            return None
        # The runtime's, when it has one: a renewed TLS certificate is reloaded into that one.
        tls = runtime.directory_tls or client_context(
            anchors=home.directory_tls_anchors, certificate=fullchain, key=home.key_path
        )
        certificate = x509.load_pem_x509_certificate(home.certificate_path.read_bytes())
        return cls(
            runtime.node,
            state_path=home.home / STATISTICS_FILE,
            client=StatisticsClient(home.directory_url, tls=tls, timeout=min(30.0, max(interval * 5, 5.0))),
            interval=interval,
            certificate_expiry=certificate.not_valid_after_utc,
            lease=Lease(runtime.database, LEASE_NAME, ttl=lease_time(interval)),
        )

    # -- state -------------------------------------------------------------------------------

    def load(self) -> ReporterState:
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return ReporterState(self._empty)
        try:
            return ReporterState.from_json(data, outbox=self._empty)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            # Revision numbers survive anyway (next_sequence); only unsent revisions are lost.
            _log.error("%s is unreadable (%s): starting a new one", self._path, exc)
            return ReporterState(self._empty)

    def _save(self, state: ReporterState) -> None:
        temporary = self._path.with_name(self._path.name + ".tmp")
        with temporary.open("wb") as stream:
            stream.write(state.to_json())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, self._path)

    # -- one round ---------------------------------------------------------------------------

    def _verify(self, node: Node, activity: DayActivity, *, at: datetime, until: float) -> None:
        """Verify the PDFs of packages not seen yet, until the monotonic time ``until``: a busy
        day is verified over several rounds (the unverified count as not signed meanwhile)."""
        packages = {d.package_sha256 for d in activity.sent} | {d.package_sha256 for d in activity.received}
        for package in sorted(packages - self._verdicts.keys()):
            if monotonic() >= until:
                return
            self._verdicts[package] = pdf_signatures_valid(node, package, at=at)

    def _queue_day(
        self,
        state: ReporterState,
        node: Node,
        day: date,
        at: datetime,
        *,
        until: float,
        heartbeat: bool = False,
    ) -> ReporterState:
        start, end = day_window(day)
        activity = node_day_activity(node.database, start=start, end=end)
        self._verify(node, activity, at=at, until=until)
        agencies = reported_agencies(node, activity, at=at)
        outbox, revisions = state.outbox, dict(state.revisions)
        reports = [
            dataclasses.replace(report, interval=self._interval)
            for report in agency_reports(
                activity, node=node.name, agencies=agencies, day=day, at=at,
                config_version=node.configuration.version, certificate_expiry=self._expiry,
                pdf_signed=self._verdicts,
            )
        ]  # fmt: skip
        changed = [r for r in reports if _changed(revisions, r)]
        if not changed and heartbeat and reports:
            # Nothing moved: the first report again, as a new revision, tells the directory
            # the node is alive (the same revision again would be a duplicate, not "seen").
            changed = reports[:1]
        seal = node.key if self._key is None else self._key
        for report in changed:
            key = f"{report.agency}/{day.isoformat()}"
            previous = revisions.get(key)
            sequence = next_sequence(previous.sequence if previous else 0, day, at)
            outbox = outbox.put(sign_report(dataclasses.replace(report, sequence=sequence), seal))
            revisions[key] = Revision(sequence, figures_of(report))
        if changed:
            self._queued_at = at
        return dataclasses.replace(state, outbox=outbox, revisions=revisions)

    def run_once(self, *, verify_seconds: float | None = None) -> ReporterState:
        """Build what changed, keep it, send what is due; returns the state kept. Does nothing
        (returns the state as kept) while another process holds the lease.

        ``verify_seconds``: time given to verifying PDF signatures (default: a tenth of the
        interval, at least a second).
        """
        with self._lock:
            if self._lease is not None and not self._lease.hold():
                return self.load()
            budget = max(self._interval / 10, 1.0) if verify_seconds is None else verify_seconds
            until = monotonic() + budget
            at = self._clock()
            node = self._current()
            today = at.astimezone(VIETNAM_TZ).date()
            yesterday = today - timedelta(days=1)
            if len(self._verdicts) > MAX_VERDICTS:  # a busy day's worth; the rest is verified again
                self._verdicts.clear()
            before = self.load()
            state = before.forget_before(today - _KEEP)
            if yesterday not in state.closed:
                state = self._queue_day(state, node, yesterday, at, until=until)
                state = dataclasses.replace(state, closed=state.closed | {yesterday})
            # Half an interval: rounds an interval apart, a little early or late, all heartbeat.
            due = self._queued_at is None or at - self._queued_at >= timedelta(seconds=self._interval / 2)
            state = self._queue_day(state, node, today, at, until=until, heartbeat=due)
            if state != before:
                self._save(state)  # before sending: a revision number is never used twice
            flushed = self._client.flush(state.outbox, at=at)
            if flushed != state.outbox:
                state = dataclasses.replace(state, outbox=flushed)
                self._save(state)
            for waiting in flushed.pending:
                if waiting.last_error:
                    _log.info("report %s waits: %s", waiting.key, waiting.last_error)
            return state

    def _round(self) -> Round:
        self.run_once()
        return Round.IDLE

    def _last_round(self) -> None:
        self.run_once(verify_seconds=0.0)  # a last report, quickly: stopping is bounded
        if self._lease is not None:
            self._lease.release()  # another process reports from its next round, not a lease later

    def start(self) -> None:
        self._loop.start()

    def stop(self, *, timeout: float = 10.0) -> None:
        """Ask for a last round and wait for it at most ``timeout`` seconds."""
        if not self._loop.stop(timeout=timeout):
            _log.warning("the last statistics round did not end in %s s; left behind", timeout)
            return
        self._client.close()
