"""``build_report``: the pure function a node calls to turn one day of its records into a report.

The node reads its outbox, inbox and statuses for the day and passes them in as plain values;
no clock is read and no database touched here, so the same inputs always give the same report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from lienthong.edxml import VIETNAM_TZ
from lienthong.statistics._codec import MAX_STUCK
from lienthong.statistics._latency import LatencySummary
from lienthong.statistics._report import StatisticsReport, StuckDocument

#: A document without an 01 ("received") status this long after sending is stuck.
STUCK_AFTER: Final = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One document sent to one recipient, as the sender's node knows it."""

    document_id: str
    recipient: str
    sent_at: datetime
    #: When the recipient's node receipted it; None while undelivered.
    delivered_at: datetime | None = None
    #: When the recipient's 01 ("received") status arrived; None while none has.
    received_status_at: datetime | None = None
    refused: bool = False
    failed: bool = False
    #: The attachments' PDF signatures verified.
    pdf_signed: bool = False


@dataclass(frozen=True, slots=True)
class Incoming:
    """One document received for the agency."""

    document_id: str
    sender: str
    received_at: datetime
    pdf_signed: bool = False


def build_report(
    *,
    node: str,
    agency: str,
    day: date,
    sequence: int,
    generated_at: datetime,
    outgoing: Iterable[Outgoing] = (),
    incoming: Iterable[Incoming] = (),
    statuses: Mapping[str, int] | None = None,
    config_version: int | None = None,
    certificate_expiry: datetime | None = None,
    stuck_after: timedelta = STUCK_AFTER,
) -> StatisticsReport:
    """The report of ``agency`` for ``day`` (Vietnam time) as of ``generated_at``.

    Only records of that day count; ``stuck`` lists the day's deliveries still without an 01
    status ``stuck_after`` past sending (not refused, not failed), oldest first.
    """

    def today(moment: datetime) -> bool:
        return moment.astimezone(VIETNAM_TZ).date() == day

    sent = [item for item in outgoing if today(item.sent_at)]
    received = [item for item in incoming if today(item.received_at)]
    documents_out = {item.document_id: item.pdf_signed for item in sent}
    documents_in = {item.document_id: item.pdf_signed for item in received}
    moments = [
        moment
        for item in sent
        for moment in (item.sent_at, item.delivered_at, item.received_status_at)
        if moment is not None
    ] + [item.received_at for item in received]
    stuck = sorted(
        (
            StuckDocument(item.document_id, item.recipient, item.sent_at)
            for item in sent
            if item.received_status_at is None
            and not (item.refused or item.failed)
            and generated_at - item.sent_at >= stuck_after
        ),
        key=lambda s: (s.sent_at, s.document_id, s.recipient),
    )
    return StatisticsReport(
        node=node,
        agency=agency,
        day=day,
        sequence=sequence,
        generated_at=generated_at,
        sent=len(documents_out),
        sent_to=tuple(sorted(Counter(item.recipient for item in sent).items())),
        received=len(documents_in),
        signed_pdf=sum(documents_out.values()) + sum(documents_in.values()),
        statuses=tuple(sorted((code, n) for code, n in (statuses or {}).items() if n)),
        refusals=sum(item.refused for item in sent),
        failures=sum(item.failed for item in sent),
        latency=LatencySummary.of(
            (item.delivered_at - item.sent_at).total_seconds() for item in sent if item.delivered_at
        ),
        last_activity=max(moments, default=None),
        config_version=config_version,
        certificate_expiry=certificate_expiry,
        stuck=tuple(stuck[:MAX_STUCK]),
    )
