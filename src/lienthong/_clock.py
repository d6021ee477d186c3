"""The one clock: ``Clock`` is what code needing the time is given (tests pass their own),
``utc_now`` the real one. Always aware, always UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeAlias

Clock: TypeAlias = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
