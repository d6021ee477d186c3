"""The per-agency table and the audit log as CSV for Excel: UTF-8 with a byte-order mark,
comma-separated.

Times are Vietnam's, as on the page, in ISO 8601 with their offset; the header says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from lienthong.directory import AuditEntry
from lienthong.edxml import VIETNAM_TZ
from lienthong.portal._figures import AgencyRow

BOM = "\ufeff"
HEADER = (
    "code",
    "name",
    "level",
    "sent_and_received",
    "deliveries",
    "sent",
    "received",
    "signed_pdf",
    "refusals",
    "failures",
    "connected",
    "regulation_issued_on",
    "last_activity (UTC+07:00)",
)


def agencies_csv(rows: Iterable[AgencyRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        activity = row.last_activity
        writer.writerow(
            (
                row.code,
                row.name,
                row.level,
                row.sent_and_received,
                row.traffic.deliveries,
                row.totals.sent,
                row.totals.received,
                row.totals.signed_pdf,
                row.totals.refusals,
                row.totals.failures,
                "yes" if row.connected else "no",
                "" if row.regulation is None else row.regulation.isoformat(),
                "" if activity is None else activity.astimezone(VIETNAM_TZ).isoformat(timespec="seconds"),
            )
        )
    return (BOM + buffer.getvalue()).encode("utf-8")


AUDIT_HEADER = ("version", "at (UTC+07:00)", "actor", "action", "subject", "detail")


def audit_csv(entries: Iterable[AuditEntry]) -> bytes:
    """The directory's audit entries as the audit page lists them, for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(AUDIT_HEADER)
    for entry in entries:
        at = entry.at.astimezone(VIETNAM_TZ).isoformat(timespec="seconds")
        writer.writerow((entry.version, at, entry.actor, entry.action, entry.subject, entry.detail or ""))
    return (BOM + buffer.getvalue()).encode("utf-8")
