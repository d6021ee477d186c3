"""``ReplayGuard``: the memory that refuses a signed VXP request seen before.

A request is fresh while any accepted reading of its timestamp is within the window; read as
Vietnam's time and as UTC, those readings are seven hours apart. So a request is held from its
first arrival until the latest reading has left the window (``until``), not merely for one
window: otherwise the same request, presented again seven hours later, would be fresh again.
"""

from __future__ import annotations

import heapq
import threading
from datetime import datetime
from typing import Protocol

__all__ = ["MemoryReplayGuard", "ReplayGuard"]


class ReplayGuard(Protocol):
    """Where the requests already accepted are remembered, keyed by systemid and MAC."""

    def first_time(self, systemid: str, mac: str, *, at: datetime, until: datetime) -> bool:
        """True the first time (``systemid``, ``mac``) is offered, False for a replay; it is then
        held until ``until``. ``at`` is now: what is past its ``until`` may be forgotten."""
        ...


class MemoryReplayGuard:
    """A ``ReplayGuard`` in this process's memory: for one process only (a node shares its
    memory through its database). Bounded: past ``limit``, the soonest to expire go first."""

    def __init__(self, *, limit: int = 100_000) -> None:
        self._until: dict[tuple[str, str], datetime] = {}
        self._expiry: list[tuple[datetime, tuple[str, str]]] = []  # a heap, soonest first
        self._limit = limit
        self._lock = threading.Lock()

    def first_time(self, systemid: str, mac: str, *, at: datetime, until: datetime) -> bool:
        key = (systemid, mac)
        with self._lock:
            while self._expiry and self._expiry[0][0] < at:
                self._pop()
            if key in self._until:
                return False
            self._until[key] = until
            heapq.heappush(self._expiry, (until, key))
            while len(self._until) > self._limit:
                self._pop()
            return True

    def _pop(self) -> None:
        expires, key = heapq.heappop(self._expiry)
        if self._until.get(key) == expires:
            del self._until[key]
