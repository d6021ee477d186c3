"""Time is a parameter: every function that needs "now" is given it, and naive times are refused."""

from __future__ import annotations

from datetime import UTC, datetime

from lienthong._i18n import msg


def aware(at: datetime, *, name: str = "at") -> datetime:
    """``at`` in UTC; a naive datetime is refused because its meaning depends on the host."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(msg("trust-time-naive", name=name))
    return at.astimezone(UTC)
