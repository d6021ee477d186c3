"""``replay``: run a unit of work again when the database was interrupted under it (a failover).

A unit of work is a callable that opens its own transactions (``NodeStore.begin``) and may be
run again from its start: it reads what it is about to write inside its write transaction and
skips what is already there (the inbox by message id, the outbox by message id, a settle by its
claim token), so a commit that happened although its answer was lost is found, not repeated.

When it raises ``DatabaseInterrupted`` (the server went away or turned read-only), the pooled
connections are dropped, so the next attempt connects afresh (libpq then picks the server that
accepts writes among those of a multi-host URL), and the work runs again after a backoff, until
``ReplayPolicy.within`` has passed; then the last interruption is raised to the caller, which
answers as for any unavailable database. Nothing else is retried here.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from lienthong._loop import Backoff
from lienthong.errors import message_of
from lienthong.store._database import Database
from lienthong.store._errors import DatabaseInterrupted

T = TypeVar("T")

_log = logging.getLogger("lienthong.store")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplayPolicy:
    """How long interrupted work is tried again, and how the waits grow."""

    #: Waits between attempts: short at first (a dropped connection reconnects at once), up to
    #: ``cap`` while a standby is being promoted.
    backoff: Backoff = field(
        default_factory=lambda: Backoff(base=timedelta(milliseconds=50), cap=timedelta(seconds=2))
    )
    #: No attempt starts later than this after the first: a failover takes seconds; a database
    #: that stays gone is the caller's to report.
    within: timedelta = timedelta(seconds=30)


DEFAULT_REPLAY = ReplayPolicy()


def replay(
    database: Database,
    work: Callable[[], T],
    *,
    policy: ReplayPolicy = DEFAULT_REPLAY,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rand: random.Random | None = None,
) -> T:
    """``work()``, run again on a fresh connection while the database is interrupted (see the
    module). Only for work that is safe to replay from its start."""
    give_up = clock() + policy.within.total_seconds()
    failures = 0
    while True:
        try:
            return work()
        except DatabaseInterrupted as exc:
            failures += 1
            rand = rand or random.Random()
            wait = policy.backoff.delay(failures, rand)
            if clock() + wait > give_up:
                raise
            _log.warning("database interrupted (attempt %d), trying again: %s", failures, message_of(exc))
            database.reset()
            sleep(wait)
