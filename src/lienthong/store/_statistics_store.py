"""``StatisticsStore``: the directory's statistics reports and regulation dates, behind one session.

Storing is idempotent by key ``(node, agency, day)``: the row holds the highest revision seen, so
a resent report changes nothing and a later revision replaces, never adds. Aggregates sum those
rows; latency histograms are summed in Python (a list of counts per row).
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lienthong.store._database import Database
from lienthong.store._statistics_entries import (
    AgencyTotals,
    DayTotals,
    NodeHealth,
    RegulationEntry,
    ReportOutcome,
    ReportRecord,
    StuckItem,
    Totals,
)
from lienthong.store._statistics_rows import RegulationRow, StatisticsReportRow

_Row = StatisticsReportRow


def _fill(row: StatisticsReportRow, record: ReportRecord) -> None:
    row.sequence = record.sequence
    row.report_sha256 = record.report_sha256
    row.generated_at = record.generated_at
    row.received_at = record.received_at
    row.sent, row.received, row.signed_pdf = record.sent, record.received, record.signed_pdf
    row.refusals, row.failures = record.refusals, record.failures
    row.latency_buckets = json.dumps(list(record.latency_buckets))
    row.latency_p50 = record.latency_p50
    row.statuses = json.dumps(dict(record.statuses), sort_keys=True)
    row.sent_to = json.dumps(dict(record.sent_to), sort_keys=True)
    row.stuck = json.dumps([[doc, to, at.astimezone(UTC).isoformat()] for doc, to, at in record.stuck])
    row.last_activity = record.last_activity
    row.config_version = record.config_version
    row.certificate_expiry = record.certificate_expiry
    row.signed = record.signed


def _sum(rows: Iterable[tuple[int, int, int, int, int, str]]) -> Totals:
    sent = received = signed = refusals = failures = 0
    buckets: list[int] = []
    for row_sent, row_received, row_signed, row_refusals, row_failures, histogram in rows:
        sent, received, signed = sent + row_sent, received + row_received, signed + row_signed
        refusals, failures = refusals + row_refusals, failures + row_failures
        counts = json.loads(histogram)
        if len(buckets) < len(counts):
            buckets += [0] * (len(counts) - len(buckets))
        for index, count in enumerate(counts):
            buckets[index] += count
    return Totals(sent, received, signed, refusals, failures, tuple(buckets))


_COLUMNS = (_Row.sent, _Row.received, _Row.signed_pdf, _Row.refusals, _Row.failures, _Row.latency_buckets)


class StatisticsStore:
    """Statistics rows in one session; ``begin`` opens a transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[StatisticsStore]:
        with database.transaction() as session:
            yield cls(session)

    # -- reports -------------------------------------------------------------------------------

    def put_report(self, record: ReportRecord) -> ReportOutcome:
        """Keep ``record`` unless a revision as new or newer is held (see ``ReportOutcome``)."""
        query = select(_Row).where(
            _Row.node == record.node, _Row.agency == record.agency, _Row.day == record.day
        )
        row = self._session.execute(query.with_for_update()).scalar_one_or_none()
        if row is None:
            row = _Row(node=record.node, agency=record.agency, day=record.day)
            _fill(row, record)
            self._session.add(row)
            self._session.flush()
            return ReportOutcome.STORED
        if record.sequence < row.sequence:
            return ReportOutcome.STALE
        if record.sequence == row.sequence:
            same = row.report_sha256 == record.report_sha256
            return ReportOutcome.DUPLICATE if same else ReportOutcome.CONFLICT
        _fill(row, record)
        return ReportOutcome.REPLACED

    def report_count(self) -> int:
        return self._session.execute(select(func.count()).select_from(_Row)).scalar_one()

    @staticmethod
    def _between(
        query: Select[tuple[int, int, int, int, int, str]], start: date | None, end: date | None
    ) -> Select[tuple[int, int, int, int, int, str]]:
        if start is not None:
            query = query.where(_Row.day >= start)
        if end is not None:
            query = query.where(_Row.day < end)
        return query

    def totals(self, *, start: date | None = None, end: date | None = None) -> Totals:
        """Sums over the days in [start, end) (all days when not given)."""
        return _sum(self._session.execute(self._between(select(*_COLUMNS), start, end)).tuples())

    def per_day(self, *, start: date | None = None, end: date | None = None) -> list[DayTotals]:
        by_day: dict[date, list[tuple[int, int, int, int, int, str]]] = defaultdict(list)
        query = self._between(select(*_COLUMNS), start, end).add_columns(_Row.day)
        for *values, day in self._session.execute(query).tuples():
            by_day[day].append(tuple(values))
        return [DayTotals(day, _sum(rows)) for day, rows in sorted(by_day.items())]

    def per_agency(self, *, start: date | None = None, end: date | None = None) -> list[AgencyTotals]:
        rows: dict[str, list[tuple[int, int, int, int, int, str]]] = defaultdict(list)
        last: dict[str, datetime | None] = {}
        nodes: dict[str, set[str]] = defaultdict(set)
        query = self._between(select(*_COLUMNS), start, end).add_columns(
            _Row.agency, _Row.node, _Row.last_activity
        )
        for *values, agency, node, activity in self._session.execute(query).tuples():
            rows[agency].append(tuple(values))
            nodes[agency].add(node)
            held = last.get(agency)
            last[agency] = activity if held is None or (activity is not None and activity > held) else held
        return [
            AgencyTotals(agency, _sum(values), last.get(agency), tuple(sorted(nodes[agency])))
            for agency, values in sorted(rows.items())
        ]

    def node_health(self) -> list[NodeHealth]:
        """Each reporting node as its most recently received report describes it."""
        latest = (
            select(_Row.node, func.count(func.distinct(_Row.agency))).group_by(_Row.node).order_by(_Row.node)
        )
        health = []
        for node, agencies in self._session.execute(latest).tuples():
            row = self._session.execute(
                select(_Row.config_version, _Row.certificate_expiry, _Row.received_at, _Row.signed)
                .where(_Row.node == node)
                .order_by(_Row.received_at.desc(), _Row.id.desc())
                .limit(1)
            ).one()
            health.append(
                NodeHealth(
                    node,
                    row.received_at,
                    row.config_version,
                    row.certificate_expiry,
                    agencies,
                    bytes(row.signed),
                )
            )
        return health

    def stuck(self, *, since: date) -> list[StuckItem]:
        """Documents listed as stuck in reports of days from ``since``, oldest first."""
        query = select(_Row.node, _Row.agency, _Row.stuck).where(_Row.day >= since)
        items = [
            StuckItem(node, agency, document, recipient, datetime.fromisoformat(sent_at))
            for node, agency, listing in self._session.execute(query).tuples()
            for document, recipient, sent_at in json.loads(listing)
        ]
        return sorted(items, key=lambda item: (item.sent_at, item.document_id, item.recipient))

    # -- regulations ---------------------------------------------------------------------------

    def set_regulation(self, entry: RegulationEntry) -> None:
        assert entry.updated_at is not None
        assert entry.actor is not None
        row = self._session.execute(
            select(RegulationRow).where(RegulationRow.code == entry.code).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            row = RegulationRow(code=entry.code)
            self._session.add(row)
        row.issued_on, row.reference = entry.issued_on, entry.reference
        row.updated_at, row.actor = entry.updated_at, entry.actor
        self._session.flush()

    def clear_regulation(self, code: str) -> bool:
        row = self._session.execute(
            select(RegulationRow).where(RegulationRow.code == code)
        ).scalar_one_or_none()
        if row is None:
            return False
        self._session.delete(row)
        return True

    def regulations(self) -> list[RegulationEntry]:
        rows = self._session.execute(select(RegulationRow).order_by(RegulationRow.code)).scalars()
        return [RegulationEntry(r.code, r.issued_on, r.reference, r.updated_at, r.actor) for r in rows]
