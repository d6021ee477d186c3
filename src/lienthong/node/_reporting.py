"""What a node's statistics reports say: the figures of each agency served here for one day
(pure, from ``node_day_activity``), the revision numbers, and which PDFs count as signed.

Building, queueing and sending them in the background is ``lienthong.server.StatisticsReporter``'s.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from lienthong.edxml import VIETNAM_TZ
from lienthong.errors import LienthongError
from lienthong.node._checks import served_here
from lienthong.node._node import Node
from lienthong.statistics import Incoming, Outgoing, StatisticsReport, build_report, encode
from lienthong.store import DayActivity, DeliveryState
from lienthong.trust import verify_attachments

_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)
#: Larger packages are not read whole to verify their PDFs (they count as not signed).
MAX_PDF_CHECK: Final = 64 * 1024 * 1024


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


def reported_agencies(node: Node, activity: DayActivity, *, at: datetime) -> list[str]:
    """The agencies a day's reports are for: the node's own subtree roots, and every code with
    activity that day, as long as it is served here at ``at``."""
    roots = {
        code
        for entry in node.configuration.content.nodes
        if entry.name == node.name
        for code in entry.subtrees
    }
    return [code for code in roots | activity.agencies if served_here(node, code, at=at)]
