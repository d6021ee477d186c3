"""``DeliveryWorker``: threads that claim due outbox rows, send them, and settle the outcome.

Each thread loops on ``deliver_due`` (claims are leased and ``SKIP LOCKED``, so threads and
processes sharing a database never send one row at once); the rows of one claim are sent at
once through a shared pool (``in_flight`` requests at most, each carrying up to
``per_request`` small packages for one peer), so a thread is not idle while a peer verifies and
stores; the batch is then settled in one transaction. When nothing is due a thread waits ``idle`` seconds
or until stopped; after a failed round (the database away, say) about ten times that, with jitter.
Each thread is a ``lienthong._loop.BackgroundLoop``. ``stop`` is bounded: a thread still inside a
delivery when the wait ends is left to die with the process, and its lease makes the row due again.

Logs: each delivery at debug (``node serve --verbose``); at info, one line a minute at most
with what the deliveries came to since the last one (``DeliveryTally``), so a busy node's log
says what happened without a line per document.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from lienthong._clock import Clock, utc_now
from lienthong._loop import BackgroundLoop, Backoff, Round
from lienthong.node import Node, PeerTransport, deliver_due

#: The name it logged under in ``lienthong.node``: log filters and readers keep working.
_log = logging.getLogger("lienthong.node.worker")
#: How often at most the summary of deliveries is logged.
SUMMARY_EVERY = timedelta(minutes=1)


class DeliveryTally:
    """Outcomes of deliveries counted by state, told as one line once ``every`` has passed."""

    def __init__(self, *, every: timedelta = SUMMARY_EVERY) -> None:
        self._every = every
        self._counts: Counter[str] = Counter()
        self._since: datetime | None = None
        self._lock = threading.Lock()

    def add(self, states: Iterable[str], *, at: datetime) -> str | None:
        """Count ``states``; the summary line when it is due (and the count starts again)."""
        with self._lock:
            self._counts.update(states)
            if self._since is None:
                self._since = at
            if not self._counts or at - self._since < self._every:
                return None
            told = " ".join(f"{state}={count}" for state, count in sorted(self._counts.items()))
            seconds = round((at - self._since).total_seconds())
            self._counts.clear()
            self._since = at
            return f"deliveries in the last {seconds} s: {told}"


class DeliveryWorker:
    def __init__(
        self,
        current: Callable[[], Node],
        transport: PeerTransport,
        *,
        threads: int = 4,
        batch: int = 8,
        idle: float = 0.2,
        in_flight: int = 8,
        per_request: int = 1,
        clock: Clock = utc_now,
        on_outcomes: Callable[[Iterable[str]], None] | None = None,
    ) -> None:
        """``on_outcomes``: told the state each attempt of a round left its entry in (metrics)."""
        self._current = current
        self._transport = transport
        self._count = max(threads, 1)
        self._batch = max(batch, 1)
        self._idle = idle
        self._in_flight = max(in_flight, 1)
        self._per_request = max(per_request, 1)
        self._pool: ThreadPoolExecutor | None = None
        self._clock = clock
        self._loops: list[BackgroundLoop] = []
        self._tally = DeliveryTally()
        self._on_outcomes = on_outcomes

    def _round(self, pool: ThreadPoolExecutor, rand: random.Random) -> Round:
        outcomes = deliver_due(
            self._current(),
            self._transport,
            now=self._clock(),
            rand=rand,
            limit=self._batch,
            mapper=pool.map,
            per_request=self._per_request,
            clock=self._clock,
        )
        for outcome in outcomes:
            _log.debug(
                "delivery message=%s to=%s state=%s %s",
                outcome.entry.message_id[:16], outcome.entry.deliver_to, outcome.state.value,
                outcome.reason or "",
            )  # fmt: skip
        summary = self._tally.add((o.state.value for o in outcomes), at=self._clock())
        if self._on_outcomes is not None and outcomes:
            self._on_outcomes([o.state.value for o in outcomes])
        if summary is not None:
            _log.info(summary)
        return Round.BUSY if outcomes else Round.IDLE

    def _loop(self, index: int, pool: ThreadPoolExecutor) -> BackgroundLoop:
        rand = random.Random()  # one per thread: the retry jitter of its claims
        pause = timedelta(seconds=self._idle * 10)
        return BackgroundLoop(
            "delivery round",
            lambda: self._round(pool, rand),
            log=_log,
            interval=self._idle,
            backoff=Backoff(base=pause, cap=pause),
            thread=f"lienthong-delivery-{index}",
            rand=rand,
        )

    def start(self) -> None:
        if self._loops:
            return
        self._pool = pool = ThreadPoolExecutor(self._in_flight, thread_name_prefix="lienthong-send")
        self._loops = [self._loop(index, pool) for index in range(self._count)]
        for loop in self._loops:
            loop.start()

    def stop(self, *, timeout: float = 10.0) -> None:
        for loop in self._loops:  # all at once: the threads end together, not one after another
            loop.ask_to_stop()
        for loop in self._loops:
            loop.join(timeout / len(self._loops))
        self._loops = []
        if self._pool is not None:  # sends still running finish on their own; nobody waits
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
