"""The statistics report a node sends the directory: one agency, one day, one revision.

A report is identified by ``(node, agency, day)``; ``sequence`` numbers its revisions. The
directory keeps the highest revision of each key: the same revision sent again changes nothing,
a later one replaces the earlier, an older one is ignored. So a node may resend freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from lienthong.statistics._latency import LatencySummary


@dataclass(frozen=True, slots=True)
class StuckDocument:
    """A document sent to ``recipient`` that had no "received" (01) status after the threshold."""

    document_id: str
    recipient: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class StatisticsReport:
    """What one node says about one agency it serves, for one day (Vietnam time).

    Counts are claims of the node; the directory checks who signed them, not their truth.
    """

    node: str
    agency: str
    day: date
    #: Revision of this (node, agency, day): later ones replace earlier ones.
    sequence: int
    generated_at: datetime
    #: Documents the agency sent that day (one document to many recipients counts once).
    sent: int = 0
    #: Deliveries per recipient code (a document to three recipients counts three times).
    sent_to: tuple[tuple[str, int], ...] = ()
    #: Documents the agency received that day.
    received: int = 0
    #: Of the documents sent and received, how many carried a PDF signature that verified.
    signed_pdf: int = 0
    #: Status packages (01–06, 13, 15, 16) the agency issued that day, by code.
    statuses: tuple[tuple[str, int], ...] = ()
    #: Deliveries refused by the recipient (status 02 or a rejected package).
    refusals: int = 0
    #: Deliveries given up after the retry deadline.
    failures: int = 0
    latency: LatencySummary = field(default_factory=LatencySummary)
    #: The last time anything moved for this agency at this node.
    last_activity: datetime | None = None
    #: The network configuration version the node held.
    config_version: int | None = None
    #: When the node's certificate expires.
    certificate_expiry: datetime | None = None
    #: Documents still without an 01 status after the node's threshold (bounded list).
    stuck: tuple[StuckDocument, ...] = ()
    #: Seconds between the node's reports: the directory calls it not reporting after two.
    #: Optional (reports of older nodes omit it; they are judged by the usual interval).
    interval: float | None = None

    @property
    def documents(self) -> int:
        """Documents sent and received: the figure the network's reports count."""
        return self.sent + self.received

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.node, self.agency, self.day)

    @property
    def report_id(self) -> str:
        """``node/agency/day/sequence``: names one revision, for logs and outboxes."""
        return f"{self.node}/{self.agency}/{self.day.isoformat()}/{self.sequence}"

    def summary(self) -> str:
        """One machine-parsable line for logs and the CLI."""
        return (
            f"report={self.report_id} sent={self.sent} received={self.received} "
            f"signed_pdf={self.signed_pdf} refusals={self.refusals} failures={self.failures} "
            f"stuck={len(self.stuck)} p50={self.latency.p50}"
        )
