"""What the directory's statistics store takes and returns, as frozen values: no SQLAlchemy.

``ReportRecord`` is a report flattened for storage (``lienthong.portal`` maps a verified
``StatisticsReport`` to it); the other entries are the aggregates the portal shows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class ReportOutcome(enum.Enum):
    """What storing a report did: the one place idempotency shows."""

    #: First revision of this (node, agency, day).
    STORED = "stored"
    #: A later revision replaced the one held.
    REPLACED = "replaced"
    #: The same revision again, byte for byte: nothing changed.
    DUPLICATE = "duplicate"
    #: An older revision than the one held: ignored.
    STALE = "stale"
    #: The same revision number with other bytes: refused, the held one stays.
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """One report as stored."""

    node: str
    agency: str
    day: date
    sequence: int
    report_sha256: str
    generated_at: datetime
    received_at: datetime
    sent: int
    received: int
    signed_pdf: int
    refusals: int
    failures: int
    latency_buckets: tuple[int, ...]
    latency_p50: float | None
    statuses: tuple[tuple[str, int], ...]
    sent_to: tuple[tuple[str, int], ...]
    #: (document id, recipient, sent at) of the documents the node listed as stuck.
    stuck: tuple[tuple[str, str, datetime], ...]
    last_activity: datetime | None
    config_version: int | None
    certificate_expiry: datetime | None
    signed: bytes


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over some reports (a period, an agency, a day)."""

    sent: int = 0
    received: int = 0
    signed_pdf: int = 0
    refusals: int = 0
    failures: int = 0
    latency_buckets: tuple[int, ...] = ()

    @property
    def documents(self) -> int:
        return self.sent + self.received


@dataclass(frozen=True, slots=True)
class DayTotals:
    day: date
    totals: Totals


@dataclass(frozen=True, slots=True)
class AgencyTotals:
    agency: str
    totals: Totals
    last_activity: datetime | None
    #: Nodes that reported for this agency in the period.
    nodes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NodeHealth:
    """What a node's latest report says about it."""

    node: str
    last_report_at: datetime
    config_version: int | None
    certificate_expiry: datetime | None
    agencies: int
    #: That report as received (the signed envelope), for what the columns do not hold.
    signed: bytes = b""


@dataclass(frozen=True, slots=True)
class StuckItem:
    node: str
    agency: str
    document_id: str
    recipient: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class RegulationEntry:
    """The day a level-1 body issued its e-document regulation."""

    code: str
    issued_on: date
    reference: str | None = None
    updated_at: datetime | None = None
    actor: str | None = None
