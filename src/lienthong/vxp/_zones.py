"""The zone a VXP client's clock writes its timestamps in.

The SDK writes ``XroadVnpt-timestamp`` as wall-clock time in the JVM's default zone, with no
zone in the text (EDXML.md §4). Agencies' servers run on Vietnam's time; containers often on
UTC. Unless an operator pins a client's zone, a server reads the text both ways.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_ZONES", "VIETNAM", "parse_zone"]

#: Asia/Ho_Chi_Minh: UTC+07:00 all year, no daylight saving.
VIETNAM: Final = timezone(timedelta(hours=7))
#: The readings of a timestamp when the client's zone is not pinned.
DEFAULT_ZONES: Final[tuple[tzinfo, ...]] = (VIETNAM, UTC)

_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
#: Offsets in use on Earth span −12:00 to +14:00.
_LARGEST = timedelta(hours=14)


@functools.lru_cache(maxsize=64)
def parse_zone(text: str) -> tzinfo:
    """The zone ``text`` names: an IANA name (``Asia/Ho_Chi_Minh``, ``UTC``) or a fixed offset
    (``+07:00``); raises ValueError."""
    name = text.strip()
    found = _OFFSET.fullmatch(name)
    if found is not None:
        sign, hours, minutes = found.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes))
        if int(minutes) >= 60 or offset > _LARGEST:
            raise ValueError(f"offset out of range: {text!r}")
        return timezone(-offset if sign == "-" else offset)
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError) as exc:  # a malformed key, or one not in tzdata
        raise ValueError(f"unknown time zone: {text!r}") from exc
