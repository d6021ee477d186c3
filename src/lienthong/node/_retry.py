"""When to try again: exponential backoff with jitter (``lienthong._loop.Backoff``), bounded by a
deadline. Pure."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from lienthong._loop import Backoff


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Delays grow ``base · 2^(n-1)`` up to ``cap``; each is drawn in [delay/2, delay]."""

    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=30)
    #: How long after acceptance a recipient is given up on.
    deadline: timedelta = timedelta(days=3)
    #: How long a claimed delivery may take before another worker may take it over.
    lease: timedelta = timedelta(minutes=2)

    @property
    def backoff(self) -> Backoff:
        return Backoff(base=self.base, cap=self.cap)


def next_attempt(
    policy: RetryPolicy, *, attempts: int, now: datetime, deadline: datetime, rand: random.Random
) -> datetime | None:
    """When to try again after ``attempts`` failed attempts; None once the deadline is reached.

    A last attempt is made at the deadline itself, so a long outage still ends in a try.
    """
    if now >= deadline:
        return None
    chosen = now + timedelta(seconds=policy.backoff.delay(attempts, rand))
    return min(chosen, deadline)
