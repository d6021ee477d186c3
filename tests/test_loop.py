"""``lienthong._loop``: the one background loop (interval, backoff with jitter, errors logged and
not fatal, prompt stop, wake) and the one backoff every retry in the project draws from."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lienthong._loop import BackgroundLoop, Backoff, Round
from lienthong.node import RetryPolicy, next_attempt

_log = logging.getLogger("lienthong.test.loop")
#: Long enough that a test ending depends on the loop's events, never on this wait running out.
FOREVER = 3600.0
#: A bound for waiting on the loop's thread; no test measures time against it.
PATIENCE = 30.0


class Waits:
    """The loop's wait, recorded and not waited (the loop's own event still says whether it was cut)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, event: threading.Event, seconds: float) -> object:
        self.seconds.append(seconds)
        return event.wait(0)


def _steps(script: list[Round | Exception], loop: Callable[[], BackgroundLoop]) -> Callable[[], Round]:
    """A step playing ``script``, then asking the loop to stop."""
    played: Iterator[Round | Exception] = iter(script)

    def step() -> Round:
        found = next(played, None)
        if found is None:
            loop().ask_to_stop()
            return Round.IDLE
        if isinstance(found, Exception):
            raise found
        return found

    return step


def _run(
    script: list[Round | Exception],
    *,
    interval: float,
    backoff: Backoff | None = None,
    rand: random.Random | None = None,
) -> tuple[Waits, BackgroundLoop]:
    """Run a loop through ``script`` to its end (the step itself asks it to stop)."""
    waits, ended = Waits(), threading.Event()
    holder: list[BackgroundLoop] = []
    step = _steps(script, lambda: holder[0])
    loop = BackgroundLoop(
        "test round",
        step,
        log=_log,
        interval=interval,
        backoff=backoff,
        rand=rand,
        wait=waits,
        final=ended.set,
    )
    holder.append(loop)
    loop.start()
    assert ended.wait(PATIENCE)
    assert loop.stop(timeout=PATIENCE)
    return waits, loop


def test_an_idle_round_waits_the_interval_and_a_busy_one_runs_again_at_once() -> None:
    waits, _ = _run([Round.IDLE, Round.BUSY, Round.BUSY, Round.IDLE], interval=5.0)
    # After each idle round (the last is the one that asked to stop), none after a busy one.
    assert waits.seconds == [5.0, 5.0, 5.0]


def test_a_failing_step_is_logged_with_the_loop_name_backs_off_with_jitter_and_keeps_running(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backoff = Backoff(base=timedelta(seconds=2), cap=timedelta(seconds=60))
    error = OSError("disk full")
    with caplog.at_level(logging.ERROR, logger=_log.name):
        waits, _ = _run(
            [error, error, Round.FAILED, Round.IDLE, error],
            interval=5.0,
            backoff=backoff,
            rand=random.Random(7),
        )
    twin = random.Random(7)
    drawn = [backoff.delay(n, twin) for n in (1, 2, 3)]
    # Longer after each failure in a row, the interval after a success, and from the first again.
    assert waits.seconds == [*drawn, 5.0, backoff.delay(1, twin), 5.0]
    ceilings = [2.0, 4.0, 8.0]
    assert all(c / 2 <= d < c for d, c in zip(drawn, ceilings, strict=True))  # jittered, never the ceiling
    failed = [r for r in caplog.records if r.name == _log.name]
    assert [r.getMessage() for r in failed] == ["test round failed"] * 3
    assert all(r.exc_info is not None and r.exc_info[1] is error for r in failed)


def test_without_a_backoff_a_failure_waits_the_interval(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger=_log.name):
        waits, _ = _run([RuntimeError("database away"), Round.IDLE], interval=0.5)
    assert waits.seconds == [0.5, 0.5, 0.5]
    assert [r.getMessage() for r in caplog.records if r.name == _log.name] == ["test round failed"]


def test_stop_ends_a_wait_at_once_then_runs_final_once() -> None:
    ran, finals = threading.Event(), []

    def step() -> Round:
        ran.set()
        return Round.IDLE

    loop = BackgroundLoop("test round", step, log=_log, interval=FOREVER, final=lambda: finals.append(1))
    loop.start()
    assert ran.wait(PATIENCE)
    # Waiting an hour: only the loop's event can end the thread within the join.
    assert loop.stop(timeout=PATIENCE)
    assert finals == [1]
    assert loop.stopping


def test_wake_runs_the_step_at_once() -> None:
    rounds = threading.Semaphore(0)

    def step() -> Round:
        rounds.release()
        return Round.IDLE

    loop = BackgroundLoop("test round", step, log=_log, interval=FOREVER)
    loop.start()
    try:
        assert rounds.acquire(timeout=PATIENCE)
        loop.wake()
        assert rounds.acquire(timeout=PATIENCE)  # a second round, an hour before its interval
    finally:
        assert loop.stop(timeout=PATIENCE)


def test_a_bounded_stop_leaves_a_step_in_progress_to_end_then_the_thread_ends() -> None:
    inside, release, ended = threading.Event(), threading.Event(), threading.Event()

    def step() -> Round:
        inside.set()
        release.wait(PATIENCE)
        return Round.IDLE

    loop = BackgroundLoop("test round", step, log=_log, interval=FOREVER, final=ended.set)
    loop.start()
    assert inside.wait(PATIENCE)
    assert loop.stop(timeout=0.0) is False  # the step is still running: stop did not wait for it
    release.set()
    assert ended.wait(PATIENCE)  # it ended on its own, after the step, without another round


def test_a_loop_started_again_after_stop_runs_again() -> None:
    rounds = threading.Semaphore(0)

    def step() -> Round:
        rounds.release()
        return Round.IDLE

    loop = BackgroundLoop("test round", step, log=_log, interval=FOREVER)
    loop.start()
    loop.start()  # twice is once
    assert rounds.acquire(timeout=PATIENCE)
    assert loop.stop(timeout=PATIENCE)
    loop.start()
    assert rounds.acquire(timeout=PATIENCE)
    assert loop.stop(timeout=PATIENCE)
    assert not rounds.acquire(timeout=0)  # one round per start: two threads never ran at once


def test_backoff_doubles_from_base_up_to_its_cap() -> None:
    backoff = Backoff(base=timedelta(seconds=1), cap=timedelta(seconds=10))
    assert [backoff.ceiling(n) for n in range(7)] == [1.0, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff.ceiling(10_000) == 10.0


def test_node_retry_policy_draws_its_delays_from_the_one_backoff() -> None:
    policy = RetryPolicy(base=timedelta(seconds=5), cap=timedelta(minutes=30))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for attempts in (1, 2, 5, 30):
        when = next_attempt(
            policy, attempts=attempts, now=now, deadline=now + timedelta(days=3), rand=random.Random(attempts)
        )
        expected = policy.backoff.delay(attempts, random.Random(attempts))
        assert when == now + timedelta(seconds=expected)
