"""``BackgroundLoop``: one step run over and over in a daemon thread, and ``Backoff``, the one
exponential backoff with jitter (``node``'s retry policy, the loops and the statistics outbox use it).

A step says how it went (``Round``): work remains and it runs again at once, or it waits
``interval`` seconds, or it failed and waits a backoff. An exception is logged with the loop's
name and counts as a failure: it never ends the thread. ``stop`` ends a wait at once (an event,
not a sleep); a step in progress runs to its end. ``wake`` ends a wait so the step runs now.
"""

from __future__ import annotations

import enum
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

#: Past this many doublings every backoff in use has long reached its cap (and floats stay finite).
_MAX_DOUBLINGS: Final = 40


@dataclass(frozen=True, slots=True, kw_only=True)
class Backoff:
    """Waits grow ``base · 2^(n-1)`` after ``n`` failures, up to ``cap``; each is drawn in
    [wait/2, wait], so many failing together do not all try again at once."""

    base: timedelta
    cap: timedelta

    def ceiling(self, failures: int) -> float:
        """The longest wait, in seconds, after ``failures`` failures (the first waits ``base``)."""
        exponent = min(max(failures - 1, 0), _MAX_DOUBLINGS)
        return min(self.cap.total_seconds(), self.base.total_seconds() * 2.0**exponent)

    def delay(self, failures: int, rand: random.Random) -> float:
        """The wait, in seconds, after ``failures`` failures: the ceiling with jitter."""
        ceiling = self.ceiling(failures)
        return rand.uniform(ceiling / 2, ceiling)


class Round(enum.Enum):
    """How one step went."""

    #: Work remains: run again at once.
    BUSY = "busy"
    #: Done for now: wait the interval.
    IDLE = "idle"
    #: Failed (without raising): wait a backoff, longer after each failure in a row.
    FAILED = "failed"


#: How a loop waits: on its event, at most so many seconds (tests pass their own to see the waits).
Wait = Callable[[threading.Event, float], object]


def _wait(event: threading.Event, seconds: float) -> object:
    return event.wait(seconds)


class BackgroundLoop:
    """Runs ``step`` in a daemon thread from ``start`` until ``stop``, then ``final`` once.

    ``name`` says what a step is (``"statistics round"``: a failure is logged as
    ``"statistics round failed"`` on ``log``); ``thread`` names the thread. Without ``backoff``
    a failure waits ``interval`` like a success.
    """

    def __init__(
        self,
        name: str,
        step: Callable[[], Round],
        *,
        log: logging.Logger,
        interval: float,
        backoff: Backoff | None = None,
        final: Callable[[], object] | None = None,
        thread: str | None = None,
        rand: random.Random | None = None,
        wait: Wait = _wait,
    ) -> None:
        self.name = name
        self._step, self._final = step, final
        self._log = log
        self._interval, self._backoff = interval, backoff
        self._thread_name = thread or f"lienthong-{name.replace(' ', '-')}"
        self._rand = rand or random.Random()
        self._wait = wait
        self._thread: threading.Thread | None = None
        # Fresh for each run: a thread left behind by a bounded ``stop`` still sees its own stop.
        self._stopping = threading.Event()
        self._signal = threading.Event()

    @property
    def stopping(self) -> bool:
        """True once ``stop`` was asked (a long step checks it to end early)."""
        return self._stopping.is_set()

    def start(self) -> None:
        """Run the step now, then as it says, in a daemon thread. Twice is once."""
        if self._thread is not None:
            return
        self._stopping, self._signal = threading.Event(), threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stopping, self._signal), name=self._thread_name, daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        """End the wait in progress: the step runs now (or, during a step, right after it)."""
        self._signal.set()

    def ask_to_stop(self) -> None:
        """Ask the thread to end without waiting for it (``join`` waits)."""
        self._stopping.set()
        self._signal.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end, at most ``timeout`` seconds; True when it has (or none ran)."""
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        if thread is not threading.current_thread():
            thread.join(timeout)
        return not thread.is_alive()

    def stop(self, *, timeout: float | None = 30.0) -> bool:
        """End the loop: a wait ends at once, a step in progress runs to its end, then ``final``.
        Waits at most ``timeout`` seconds; False when the thread is still running then."""
        self.ask_to_stop()
        return self.join(timeout)

    def _run(self, stopping: threading.Event, signal: threading.Event) -> None:
        failures = 0
        while not stopping.is_set():
            outcome = self._attempt(self._step)
            if outcome is Round.BUSY:
                failures = 0
                continue
            failures = failures + 1 if outcome is Round.FAILED else 0
            self._wait(signal, self._delay(failures))
            signal.clear()
        if self._final is not None:
            self._attempt(self._final)

    def _attempt(self, step: Callable[[], object]) -> object:
        try:
            return step()
        except Exception:  # a database or disk away: logged, and the thread lives on
            self._log.exception("%s failed", self.name)
            return Round.FAILED

    def _delay(self, failures: int) -> float:
        if failures == 0 or self._backoff is None:
            return self._interval
        return self._backoff.delay(failures, self._rand)
