"""``StatisticsReporter``: the thread that tells the directory, every ``interval`` seconds, what
each agency served here did today, in signed reports (``lienthong.statistics``).

Each round reads the day from the database (``node_day_activity``), builds one report per agency
(the node's own subtree roots, and every served code with activity that day), and queues a new
revision only when the figures differ from the last one queued. Yesterday is built once more
after midnight, so what happened late that day, and the deliveries settled after it, reach the
directory. The outbox and the revision numbers live in ``HOME/statistics-outbox.json`` (written
to a temporary file, then renamed): a restart or a directory outage neither loses a report nor
sends a revision number twice. A failed round is logged and retried at the next one; it never
stops the node.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from typing import Final

from cryptography import x509

from lienthong.edxml import VIETNAM_TZ
from lienthong.errors import LienthongError
from lienthong.net import client_context
from lienthong.node._checks import served_here
from lienthong.node._node import Node
from lienthong.node._runtime import NodeRuntime
from lienthong.statistics import (
    Incoming,
    NodeKey,
    Outgoing,
    ReportOutbox,
    StatisticsClient,
    StatisticsReport,
    build_report,
    encode,
    load_node_key,
    sign_report,
)
from lienthong.store import DayActivity, DeliveryState, node_day_activity
from lienthong.trust import verify_attachments

_log = logging.getLogger("lienthong.node.statistics")

#: The reporter's file in the node's home.
STATISTICS_FILE: Final = "statistics-outbox.json"
_FORMAT: Final = "lienthong-statistics-state/1"
#: Revisions and closed days older than this are forgotten (their reports were built for good).
_KEEP: Final = timedelta(days=7)
_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)
#: Larger packages are not read whole to verify their PDFs (they count as not signed).
MAX_PDF_CHECK: Final = 64 * 1024 * 1024
MAX_VERDICTS: Final = 200_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


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


def day_window(day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` of ``day`` in Vietnam time."""
    start = datetime.combine(day, time(), VIETNAM_TZ)
    return start, start + timedelta(days=1)


def next_sequence(previous: int, day: date, at: datetime) -> int:
    """A revision number above ``previous`` and above any an earlier run can have used for
    ``day`` even if the state file was lost: at least the seconds elapsed since the day began."""
    elapsed = int((at - day_window(day)[0]).total_seconds())
    return max(previous + 1, elapsed, 1)


def figures_of(report: StatisticsReport) -> str:
    """What a revision says, without what changes at each build."""
    bare = dataclasses.replace(report, sequence=1, generated_at=_EPOCH)
    return hashlib.sha256(encode(bare)).hexdigest()


def agency_reports(
    activity: DayActivity,
    *,
    node: str,
    agencies: Iterable[str],
    day: date,
    at: datetime,
    config_version: int | None,
    certificate_expiry: datetime | None,
    pdf_signed: Mapping[str, bool] | None = None,
) -> list[StatisticsReport]:
    """One report per agency of ``activity`` (sequence 0: numbered when queued). Pure.

    ``pdf_signed``: package SHA-256 → its PDF attachments' signatures verified (absent: no).
    """
    signed = pdf_signed or {}
    reports = []
    for agency in sorted(agencies):
        outgoing = [
            Outgoing(
                d.document_id,
                d.recipient,
                d.sent_at,
                delivered_at=d.delivered_at if d.state is DeliveryState.DELIVERED else None,
                # Any answer from the recipient shows it arrived (a clerk may register, 03, at once).
                received_status_at=d.first_status_at,
                refused=d.state is DeliveryState.REJECTED or d.refused_status,
                failed=d.state is DeliveryState.FAILED,
                pdf_signed=signed.get(d.package_sha256, False),
            )
            for d in activity.sent
            if d.sender == agency
        ]
        incoming = [
            Incoming(d.document_id, d.sender, d.received_at, pdf_signed=signed.get(d.package_sha256, False))
            for d in activity.received
            if d.recipient == agency
        ]
        statuses = {code: n for issuer, code, n in activity.statuses if issuer == agency}
        reports.append(
            build_report(
                node=node,
                agency=agency,
                day=day,
                sequence=0,
                generated_at=at,
                outgoing=outgoing,
                incoming=incoming,
                statuses=statuses,
                config_version=config_version,
                certificate_expiry=certificate_expiry,
            )
        )
    return reports


def pdf_signatures_valid(node: Node, package_sha256: str, *, at: datetime) -> bool:
    """Whether the package holds PDF attachments and all their signatures verify."""
    try:
        if node.blobs.size(package_sha256) > MAX_PDF_CHECK:
            return False
        data = b"".join(node.blobs.read_verified(package_sha256))
        found = verify_attachments(data, anchors=node.anchors, crls=node.crls, at=at)
    except (LienthongError, OSError):  # unreadable or gone: not counted as signed
        return False
    return bool(found) and all(attachment.valid for attachment in found)


class StatisticsReporter:
    """Builds, queues and sends the node's reports in a background thread. ``stop`` is bounded."""

    def __init__(
        self,
        current: Callable[[], Node],
        *,
        state_path: Path,
        key: NodeKey,
        client: StatisticsClient,
        interval: float,
        certificate_expiry: datetime | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._current = current
        self._path = state_path
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
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
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
        tls = client_context(anchors=home.directory_tls_anchors, certificate=fullchain, key=home.key_path)
        certificate = x509.load_pem_x509_certificate(home.certificate_path.read_bytes())
        return cls(
            runtime.node,
            state_path=home.home / STATISTICS_FILE,
            key=load_node_key(home.key_path),
            client=StatisticsClient(home.directory_url, tls=tls, timeout=min(30.0, max(interval * 5, 5.0))),
            interval=interval,
            certificate_expiry=certificate.not_valid_after_utc,
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
        self, state: ReporterState, node: Node, day: date, at: datetime, *, until: float
    ) -> ReporterState:
        start, end = day_window(day)
        activity = node_day_activity(node.database, start=start, end=end)
        self._verify(node, activity, at=at, until=until)
        roots = {
            code
            for entry in node.configuration.content.nodes
            if entry.name == node.name
            for code in entry.subtrees
        }
        agencies = [code for code in roots | activity.agencies if served_here(node, code, at=at)]
        outbox, revisions = state.outbox, dict(state.revisions)
        for report in agency_reports(
            activity, node=node.name, agencies=agencies, day=day, at=at,
            config_version=node.configuration.version, certificate_expiry=self._expiry,
            pdf_signed=self._verdicts,
        ):  # fmt: skip
            key = f"{report.agency}/{day.isoformat()}"
            figures = figures_of(report)
            previous = revisions.get(key)
            if previous is not None and previous.figures == figures:
                continue
            sequence = next_sequence(previous.sequence if previous else 0, day, at)
            outbox = outbox.put(sign_report(dataclasses.replace(report, sequence=sequence), self._key))
            revisions[key] = Revision(sequence, figures)
        return dataclasses.replace(state, outbox=outbox, revisions=revisions)

    def run_once(self, *, verify_seconds: float | None = None) -> ReporterState:
        """Build what changed, keep it, send what is due; returns the state kept.

        ``verify_seconds``: time given to verifying PDF signatures (default: a tenth of the
        interval, at least a second).
        """
        with self._lock:
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
            state = self._queue_day(state, node, today, at, until=until)
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

    def _round(self, *, verify_seconds: float | None = None) -> None:
        try:
            self.run_once(verify_seconds=verify_seconds)
        except Exception:  # the database or the disk is away: log it, try at the next round
            _log.exception("statistics round failed")

    def _run(self) -> None:
        while True:
            self._round()
            if self._stop.wait(self._interval):
                break
        self._round(verify_seconds=0.0)  # a last report, quickly: stopping is bounded

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="lienthong-statistics", daemon=True)
        self._thread.start()

    def stop(self, *, timeout: float = 10.0) -> None:
        """Ask for a last round and wait for it at most ``timeout`` seconds."""
        thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(timeout=timeout)
            if thread.is_alive():
                _log.warning("the last statistics round did not end in %s s; left behind", timeout)
                return
        self._client.close()
