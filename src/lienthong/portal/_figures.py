"""The portal's figures, read from the registry and the statistics store; pure shaping aside.

``Figures`` answers what the pages show: the overview's headline numbers, the series behind
the charts, the per-agency table (with search, level filter and sort), node health, stuck
documents. Days and months are Vietnam's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final, Literal

from lienthong.codes import parse_code
from lienthong.directory import DirectoryRegistry
from lienthong.edxml import VIETNAM_TZ
from lienthong.portal._regulations import GroupFigure, Regulations, open_level1
from lienthong.statistics import median_seconds
from lienthong.store import AgencyEntry, DayTotals, NodeHealth, StatisticsStore, StuckItem, Totals

Clock = Callable[[], datetime]
SortKey = Literal["code", "name", "documents", "sent", "received", "signed", "activity"]
SORT_KEYS: Final[tuple[str, ...]] = ("code", "name", "documents", "sent", "received", "signed", "activity")
#: Certificates expiring within this are flagged on the node health page.
EXPIRY_WARNING: Final = timedelta(days=30)
#: A node silent for this long is flagged.
SILENCE_WARNING: Final = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Overview:
    today: date
    month: Totals
    total: Totals
    connected: int
    registered: int
    #: Median delivery time this month, seconds; None without deliveries.
    median_seconds: float | None
    groups: tuple[GroupFigure, ...]
    days: tuple[DayTotals, ...]

    @property
    def signed_share(self) -> float | None:
        """Share of all documents that carried a valid PDF signature, 0–1."""
        return None if self.total.documents == 0 else self.total.signed_pdf / self.total.documents


@dataclass(frozen=True, slots=True)
class AgencyRow:
    code: str
    name: str
    level: int
    totals: Totals
    last_activity: datetime | None
    connected: bool
    regulation: date | None


@dataclass(frozen=True, slots=True)
class NodeRow:
    health: NodeHealth
    expiring: bool
    silent: bool


class Figures:
    """Everything the portal shows, computed on demand (no cache: reports change it)."""

    def __init__(self, registry: DirectoryRegistry, *, clock: Clock) -> None:
        self.registry = registry
        self.regulations = Regulations(registry, clock=clock)
        self._clock = clock

    def today(self) -> date:
        return self._clock().astimezone(VIETNAM_TZ).date()

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
        return Overview(
            today=today,
            month=month,
            total=total,
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
        needle = query.strip().casefold()
        rows = []
        for code in codes:
            entry = names.get(code)
            name = (entry.name if entry else None) or ""
            if needle and needle not in code.casefold() and needle not in name.casefold():
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
            "documents": lambda r: r.totals.documents,
            "sent": lambda r: r.totals.sent,
            "received": lambda r: r.totals.received,
            "signed": lambda r: r.totals.signed_pdf,
            "activity": lambda r: r.last_activity.timestamp() if r.last_activity else 0.0,
        }
        chosen = key.get(sort, key["documents"])
        rows.sort(key=lambda r: r.code)
        rows.sort(key=chosen, reverse=descending)  # type: ignore[arg-type]
        return rows

    def nodes(self) -> list[NodeRow]:
        now = self._clock()
        with StatisticsStore.begin(self.registry.database) as store:
            health = store.node_health()
        return [
            NodeRow(
                item,
                item.certificate_expiry is not None and item.certificate_expiry - now < EXPIRY_WARNING,
                now - item.last_report_at > SILENCE_WARNING,
            )
            for item in health
        ]

    def stuck(self, *, days: int = 7) -> list[StuckItem]:
        with StatisticsStore.begin(self.registry.database) as store:
            return store.stuck(since=self.today() - timedelta(days=days))


def _level(code: str) -> int:
    return parse_code(code, lenient=True).level
