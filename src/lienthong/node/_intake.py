"""``Intake``: submissions from many threads accepted in groups by one writer thread.

SQLite has one writer at a time, so threads each committing their own submission only queue on
its lock (and fsync once each). Here each caller checks its package in its own thread (parsing,
signing, verifying: CPU work that runs side by side), then hands it to one writer thread, which
takes every package waiting (up to ``batch``) and accepts them with ``accept`` in one
transaction and one blob batch; each caller is answered its own outcome. The writer starts with
the first package and ends once idle, so an unused intake holds no thread.

``intake_for(database)`` is the one intake of a database in this process (what the API uses).
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

from lienthong.edxml import Package
from lienthong.node._node import Node
from lienthong.node._package import PackageSource
from lienthong.node._submit import Checked, Submission, SubmitOutcome, accept, check
from lienthong.store import Database

_log = logging.getLogger("lienthong.node.intake")

#: Packages accepted in one transaction at most: enough to share one commit among all the
#: callers of a busy moment, few enough that none waits long for the others' fsyncs.
BATCH = 64
#: Seconds the writer waits for more before its thread ends.
IDLE = 2.0


@dataclass(frozen=True, slots=True)
class _Waiting:
    node: Node
    checked: Checked
    at: datetime
    answer: Future[SubmitOutcome] = field(default_factory=Future)


class Intake:
    """Accepts packages from any thread, grouped; every package handed to one intake must be
    for nodes of one database (``intake_for`` keeps one per database)."""

    def __init__(self, *, batch: int = BATCH, idle: float = IDLE) -> None:
        self._batch = batch
        self._idle = idle
        self._queue: queue.Queue[_Waiting] = queue.Queue()
        self._lock = threading.Lock()
        self._writing = False

    def submit(
        self, node: Node, data: bytes | PackageSource, *, at: datetime, package: Package | None = None
    ) -> Submission:
        """What ``submit`` does, accepted together with whatever else is waiting (``package``:
        as ``check`` takes it)."""
        checked = check(node, data, at=at, package=package)
        try:
            waiting = _Waiting(node, checked, at)
            self._queue.put(waiting)
            self._start_writer()
            outcome = waiting.answer.result()
        finally:
            checked.discard()
        if isinstance(outcome, Submission):
            return outcome
        raise outcome

    def _start_writer(self) -> None:
        with self._lock:
            if not self._writing:
                self._writing = True
                threading.Thread(target=self._write, name="lienthong-intake", daemon=True).start()

    def _write(self) -> None:
        while True:
            try:
                group = [self._queue.get(timeout=self._idle)]
            except queue.Empty:
                with self._lock:  # a package put before this check is taken; after it, a new writer
                    if self._queue.empty():
                        self._writing = False
                        return
                continue
            while len(group) < self._batch:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._accept(group)

    def _accept(self, group: list[_Waiting]) -> None:
        try:
            # Every package was checked by then: the latest check time is when all are accepted.
            outcomes = accept(group[-1].node, [w.checked for w in group], at=max(w.at for w in group))
        except Exception as exc:  # the whole group failed (a database error): each caller learns it
            _log.exception("accepting %d packages failed", len(group))
            for waiting in group:
                waiting.answer.set_exception(exc)
            return
        for waiting, outcome in zip(group, outcomes, strict=True):
            waiting.answer.set_result(outcome)


_INTAKES: weakref.WeakKeyDictionary[Database, Intake] = weakref.WeakKeyDictionary()
_INTAKES_GUARD = threading.Lock()


def intake_for(database: Database) -> Intake:
    """The intake of ``database`` in this process (made on first use)."""
    with _INTAKES_GUARD:
        intake = _INTAKES.get(database)
        if intake is None:
            intake = _INTAKES[database] = Intake()
        return intake
