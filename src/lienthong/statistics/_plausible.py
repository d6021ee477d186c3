"""What a report may claim: its day between the network's first possible day and tomorrow
(one day of clock skew), and counters no agency's day can exceed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

from lienthong._i18n import Message, msg
from lienthong.statistics._errors import ReportImplausible

#: Largest counter one agency can report for one day: a thousand times the whole network's
#: busiest month so far (620,830 documents, July 2022). 10^15 is refused.
MAX_COUNT: Final = 10**9
#: No report can concern a day before this one: the network did not exist.
FIRST_DAY: Final = date(2000, 1, 1)
#: A node's clock may run this far ahead of the directory's.
CLOCK_SKEW: Final = timedelta(days=1)


def implausible(field: str, value: object, why: Message) -> ReportImplausible:
    message = msg("statistics-report-implausible", field=field, value=value, why=why)
    return ReportImplausible(message, field=field)


def check_count(value: int, field: str) -> int:
    """``value`` if a day's counter can hold it; raises ``ReportImplausible`` naming ``field``."""
    if value < 0:
        raise implausible(field, value, msg("statistics-count-negative"))
    if value > MAX_COUNT:
        raise implausible(field, value, msg("statistics-count-over", limit=MAX_COUNT))
    return value


def check_day(day: date, *, at: datetime) -> None:
    """Raise ``ReportImplausible`` unless ``day`` lies between ``FIRST_DAY`` and the day after
    ``at`` (an aware moment, the receiver's clock)."""
    if day < FIRST_DAY:
        raise implausible("day", day.isoformat(), msg("statistics-day-before", first=FIRST_DAY.isoformat()))
    latest = (at + CLOCK_SKEW).date()
    if day > latest:
        raise implausible("day", day.isoformat(), msg("statistics-day-after", latest=latest.isoformat()))
