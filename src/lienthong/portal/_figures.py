"""The portal's figures, read from the registry and the statistics store; pure shaping aside.

``Figures`` answers what the pages show: the overview's headline numbers, the series behind
the charts, the per-agency table (with search, level filter and sort), node health, stuck
documents. Days and months are Vietnam's. ``Traffic`` is the one place documents, deliveries,
sent and received are told apart (the pages' "how counted" line says the same in words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from lienthong._clock import Clock
from lienthong._i18n import fold
from lienthong.codes import parse_code
from lienthong.directory import DirectoryRegistry
from lienthong.edxml import VIETNAM_TZ
from lienthong.portal._regulations import GroupFigure, Regulations, open_level1
from lienthong.statistics import ReportMalformed, SignedReport, median_seconds
from lienthong.store import AgencyEntry, DayTotals, NodeHealth, StatisticsStore, StuckItem, Totals

SortKey = Literal["code", "name", "documents", "deliveries", "sent", "received", "signed", "activity"]
SORT_KEYS: Final[tuple[str, ...]] = (
    "code",
    "name",
    "documents",
    "deliveries",
    "sent",
    "received",
    "signed",
    "activity",
)
#: Certificates expiring within this are flagged on the node health page.
EXPIRY_WARNING: Final = timedelta(days=30)
#: A node's reporting interval when its reports do not say (``node serve``'s default).
DEFAULT_INTERVAL: Final = timedelta(seconds=300)
#: A node that has not reported for this many of its intervals is not reporting (it heartbeats
#: once per interval even when nothing moved, so one missed round is no sign).
SILENT_INTERVALS: Final = 2


@dataclass(frozen=True, slots=True)
class Traffic:
    """What moved in some reports, each figure counted its own way."""

    #: Documents sent, each once whatever its number of recipients: a node counts a document
    #: once per sending agency and day, and one agency sends it, so the agencies' sums add up.
    documents: int
    #: Documents × recipients whose node receipted them (the deliveries timed for the median).
    deliveries: int
    #: Documents the agencies sent (network-wide, the documents again; per agency, its own).
    sent: int
    #: Documents the agencies received, once per receiving agency.
    received: int

    @classmethod
    def of(cls, totals: Totals) -> Traffic:
        return cls(totals.sent, sum(totals.latency_buckets), totals.sent, totals.received)


@dataclass(frozen=True, slots=True)
class Overview:
    today: date
    month: Totals
    total: Totals
    #: When the latest report arrived: the figures are as of then. None before any report.
    as_of: datetime | None
    connected: int
    registered: int
    #: Median delivery time this month, seconds; None without deliveries.
    median_seconds: float | None
    groups: tuple[GroupFigure, ...]
    days: tuple[DayTotals, ...]

    @property
    def month_traffic(self) -> Traffic:
        return Traffic.of(self.month)

    @property
    def total_traffic(self) -> Traffic:
        return Traffic.of(self.total)

    @property
    def signed_share(self) -> float | None:
        """Share of documents sent and received that carried a valid PDF signature, 0–1 (a node
        counts signed documents on both sides, so the share is of both)."""
        handled = self.total.sent + self.total.received
        return None if handled == 0 else self.total.signed_pdf / handled


@dataclass(frozen=True, slots=True)
class AgencyRow:
    code: str
    name: str
    level: int
    totals: Totals
    last_activity: datetime | None
    connected: bool
    regulation: date | None

    @property
    def traffic(self) -> Traffic:
        return Traffic.of(self.totals)

    @property
    def sent_and_received(self) -> int:
        """The documents this agency sent or received, each once for it (the table's default order)."""
        return self.totals.sent + self.totals.received


@dataclass(frozen=True, slots=True)
class NodeRow:
    health: NodeHealth
    expiring: bool
    #: No report received within two of the node's intervals: shown as not reporting.
    silent: bool

    @property
    def as_of(self) -> datetime:
        """The node's figures are as of its latest report's arrival."""
        return self.health.last_report_at


def interval_of(health: NodeHealth) -> timedelta:
    """The interval the node's latest report states, or the default for older nodes."""
    try:
        stated = SignedReport.from_json(health.signed).report.interval
    except ReportMalformed:  # verified when received; an unreadable one states nothing
        stated = None
    return DEFAULT_INTERVAL if stated is None else timedelta(seconds=stated)


class Figures:
    """Everything the portal shows, computed on demand (no cache: reports change it)."""

    def __init__(self, registry: DirectoryRegistry, *, clock: Clock) -> None:
        self.registry = registry
        self.regulations = Regulations(registry, clock=clock)
        self._clock = clock

    def today(self) -> date:
        return self._clock().astimezone(VIETNAM_TZ).date()

    def days_left(self, expires: datetime | None) -> int | None:
        """Whole days until ``expires`` (a certificate's end); negative once past; None: no date."""
        return None if expires is None else (expires - self._clock()) // timedelta(days=1)

    def _agencies(self) -> tuple[AgencyEntry, ...]:
        return self.registry.snapshot().agencies

    def overview(self, *, days: int = 30) -> Overview:
        today = self.today()
        agencies = self._agencies()
        bodies = open_level1(agencies, on=today)
        network = self.registry.network()
        connected = sum(1 for code in bodies if network.route(code, at=today).node is not None)
        with StatisticsStore.begin(self.registry.database) as store:
            month = store.totals(start=today.replace(day=1))
            total = store.totals()
            series = store.per_day(start=today - timedelta(days=days - 1), end=today + timedelta(days=1))
            as_of = _latest(store)
        return Overview(
            today=today,
            month=month,
            total=total,
            as_of=as_of,
            connected=connected,
            registered=len(bodies),
            median_seconds=median_seconds(month.latency_buckets),
            groups=tuple(self.regulations.groups(agencies, on=today)),
            days=tuple(series),
        )

    def agencies(
        self, *, query: str = "", level: int | None = None, sort: str = "documents", descending: bool = True
    ) -> list[AgencyRow]:
        """Open agencies that reported or are level 1, filtered and sorted."""
        today = self.today()
        names = {e.code: e for e in self._agencies() if e.valid_to is None or today < e.valid_to}
        regulations = {entry.code: entry.issued_on for entry in self.regulations.all()}
        with StatisticsStore.begin(self.registry.database) as store:
            reported = {row.agency: row for row in store.per_agency()}
        network = self.registry.network()
        codes = set(reported) | {code for code, e in names.items() if e.level == 1}
        needle = fold(query.strip())
        rows = []
        for code in codes:
            entry = names.get(code)
            name = (entry.name if entry else None) or ""
            if needle and needle not in fold(code) and needle not in fold(name):
                continue
            row_level = entry.level if entry else _level(code)
            if level is not None and row_level != level:
                continue
            found = reported.get(code)
            rows.append(
                AgencyRow(
                    code,
                    name,
                    row_level,
                    found.totals if found else Totals(),
                    found.last_activity if found else None,
                    network.route(code, at=today).node is not None,
                    regulations.get(code),
                )
            )
        key: dict[str, Callable[[AgencyRow], object]] = {
            "code": lambda r: r.code,
            "name": lambda r: r.name.casefold(),
            "documents": lambda r: r.sent_and_received,
            "deliveries": lambda r: r.traffic.deliveries,
            "sent": lambda r: r.totals.sent,
            "received": lambda r: r.totals.received,
            "signed": lambda r: r.totals.signed_pdf,
            "activity": lambda r: r.last_activity.timestamp() if r.last_activity else 0.0,
        }
        chosen = key.get(sort, key["documents"])
        rows.sort(key=lambda r: r.code)
        rows.sort(key=chosen, reverse=descending)  # type: ignore[arg-type]
        return rows

    def as_of(self) -> datetime | None:
        """When the latest report arrived."""
        with StatisticsStore.begin(self.registry.database) as store:
            return _latest(store)

    def nodes(self) -> list[NodeRow]:
        now = self._clock()
        with StatisticsStore.begin(self.registry.database) as store:
            health = store.node_health()
        return [
            NodeRow(
                item,
                item.certificate_expiry is not None and item.certificate_expiry - now < EXPIRY_WARNING,
                now - item.last_report_at > SILENT_INTERVALS * interval_of(item),
            )
            for item in health
        ]

    def stuck(self, *, days: int = 7) -> list[StuckItem]:
        with StatisticsStore.begin(self.registry.database) as store:
            return store.stuck(since=self.today() - timedelta(days=days))


def _latest(store: StatisticsStore) -> datetime | None:
    return max((item.last_report_at for item in store.node_health()), default=None)


def _level(code: str) -> int:
    return parse_code(code, lenient=True).level
