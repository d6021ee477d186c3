"""The per-agency table as CSV for Excel: UTF-8 with a byte-order mark, comma-separated."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from lienthong.portal._figures import AgencyRow

BOM = "\ufeff"
HEADER = (
    "code",
    "name",
    "level",
    "documents",
    "sent",
    "received",
    "signed_pdf",
    "refusals",
    "failures",
    "connected",
    "regulation_issued_on",
    "last_activity",
)


def agencies_csv(rows: Iterable[AgencyRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(
            (
                row.code,
                row.name,
                row.level,
                row.totals.documents,
                row.totals.sent,
                row.totals.received,
                row.totals.signed_pdf,
                row.totals.refusals,
                row.totals.failures,
                "yes" if row.connected else "no",
                "" if row.regulation is None else row.regulation.isoformat(),
                "" if row.last_activity is None else row.last_activity.isoformat(),
            )
        )
    return (BOM + buffer.getvalue()).encode("utf-8")
