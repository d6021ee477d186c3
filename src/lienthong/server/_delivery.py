"""``DeliveryWorker``: threads that claim due outbox rows, send them, and settle the outcome.

Each thread loops on ``deliver_due`` (claims are leased and ``SKIP LOCKED``, so threads and
processes sharing a database never send one row at once); the rows of one claim are sent at
once through a shared pool (``in_flight`` requests at most, each carrying up to
``per_request`` small packages for one peer), so a thread is not idle while a peer verifies and
stores; the batch is then settled in one transaction. When nothing is due a thread waits ``idle`` seconds
or until stopped. ``stop`` is bounded: a thread still inside a delivery when
the wait ends is left to die with the process, and its lease makes the row due again.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from lienthong.node import Node, PeerTransport, deliver_due

#: The name it logged under in ``lienthong.node``: log filters and readers keep working.
_log = logging.getLogger("lienthong.node.worker")


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._current = current
        self._transport = transport
        self._count = max(threads, 1)
        self._batch = max(batch, 1)
        self._idle = idle
        self._in_flight = max(in_flight, 1)
        self._per_request = max(per_request, 1)
        self._pool: ThreadPoolExecutor | None = None
        self._clock = clock
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        #: Attempts made, by outcome state (for logs and tests).
        self.attempts = 0

    def _run(self, pool: ThreadPoolExecutor) -> None:
        rand = random.Random()
        while not self._stop.is_set():
            try:
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
            except Exception:  # the database is away, say: log it, wait, keep the thread alive
                _log.exception("delivery round failed")
                self._stop.wait(self._idle * 10)
                continue
            self.attempts += len(outcomes)
            for outcome in outcomes:
                _log.info(
                    "delivery message=%s to=%s state=%s %s",
                    outcome.entry.message_id[:16], outcome.entry.deliver_to, outcome.state.value,
                    outcome.reason or "",
                )  # fmt: skip
            if not outcomes:
                self._stop.wait(self._idle)

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        self._pool = pool = ThreadPoolExecutor(self._in_flight, thread_name_prefix="lienthong-send")
        for index in range(self._count):
            thread = threading.Thread(
                target=self._run, args=(pool,), name=f"lienthong-delivery-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, *, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=timeout / len(self._threads))
        self._threads = []
        if self._pool is not None:  # sends still running finish on their own; nobody waits
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
