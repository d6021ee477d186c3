"""Dates and timestamps as edXML carries them.

The wire has no time zone: packages are written in Vietnam's time (UTC+07:00, no daylight
saving), so a timestamp read from the wire becomes an aware datetime in that zone, and an aware
datetime is written back in it. Writers emit ``yyyy/MM/dd`` and ``yyyy/MM/dd HH:mm:ss``; some
peers send ``dd/MM/yyyy`` forms, and a few ISO forms; all are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Final, TypeVar

T = TypeVar("T")

#: The zone every edXML timestamp is written in.
VIETNAM_TZ: Final = timezone(timedelta(hours=7), "ICT")

_DATE_FORMS: Final = (
    # (pattern, group order) – year, month, day [, hour, minute, second]
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"), "ymd"),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"), "dmy"),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"), "ymd"),
)


class DateFormatError(ValueError):
    """The text is not in any date form the network uses."""


class ImpossibleDateError(ValueError):
    """The text has a date form, but names a day that does not exist (2025/02/30)."""


def _fields(text: str) -> tuple[int, int, int, int, int, int, bool]:
    value = text.strip()
    for pattern, order in _DATE_FORMS:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        a, b, c, hh, mm, ss = match.groups()
        year, month, day = (int(a), int(b), int(c)) if order == "ymd" else (int(c), int(b), int(a))
        return year, month, day, int(hh or 0), int(mm or 0), int(ss or 0), hh is not None
    raise DateFormatError(value)


def parse_date(text: str) -> date:
    """A date from any accepted form; a time part, if present, is ignored."""
    year, month, day, *_ = _fields(text)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ImpossibleDateError(text.strip()) from exc


def parse_timestamp(text: str) -> datetime:
    """An aware datetime in Vietnam's time from any accepted form (a bare date is midnight)."""
    year, month, day, hour, minute, second, _ = _fields(text)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TZ)
    except ValueError as exc:
        raise ImpossibleDateError(text.strip()) from exc


def _remembered(parse: Callable[[str], T]) -> Callable[[str], T]:
    # Packages repeat a few dates (today's, the document's); the values are immutable, so a
    # bounded cache of short texts is safe to share. Failures are not cached: they raise anew.
    cached = lru_cache(maxsize=512)(parse)

    def remembered(text: str) -> T:
        return cached(text) if len(text) <= 32 else parse(text)

    return remembered


#: ``parse_date`` and ``parse_timestamp`` for the reader, remembering recent texts.
read_date: Final = _remembered(parse_date)
read_timestamp: Final = _remembered(parse_timestamp)


def format_date(value: date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(value: datetime) -> str:
    """``yyyy/MM/dd HH:mm:ss`` in Vietnam's time; naive datetimes are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    local = value.astimezone(VIETNAM_TZ)
    return f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}:{local.second:02d}"
