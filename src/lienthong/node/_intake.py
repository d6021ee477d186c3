"""``Intake``: submissions from many threads accepted in groups, one transaction a group.

SQLite has one writer at a time, so threads each committing their own submission only queue on
its lock (and fsync once each). Here each caller checks its package in its own thread (parsing,
signing, verifying: CPU work that runs side by side), then joins a line. The caller at the head
of the line is the writer: it takes every package waiting (up to ``batch``, its own first) and
accepts them with ``accept`` in one transaction and one blob batch; each caller is answered its
own outcome, and the new head of the line, if any, writes the next group. Those who arrive
during a write form that next group: one commit for all of them (group commit, as LevelDB's
writers do). No thread of its own: a caller alone writes its package at once, without handing
it to another thread and back. A caller waits in the line until answered: its thread is not
interrupted there (an interrupt there, Ctrl-C in a main thread, would leave the line stuck in a
process that is stopping anyway).

``intake_for(database)`` is the one intake of a database in this process (what the API uses).
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections import deque
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


@dataclass(slots=True)
class _Waiting:
    node: Node
    checked: Checked
    at: datetime
    #: Set when ``outcome`` is, or when this caller is at the head of the line (it writes).
    turn: threading.Event = field(default_factory=threading.Event)
    outcome: SubmitOutcome | BaseException | None = None


class Intake:
    """Accepts packages from any thread, grouped; every package handed to one intake must be
    for nodes of one database (``intake_for`` keeps one per database)."""

    def __init__(self, *, batch: int = BATCH) -> None:
        self._batch = batch
        self._lock = threading.Lock()
        #: Callers whose package is not yet accepted; the first one is writing.
        self._line: deque[_Waiting] = deque()

    def submit(
        self, node: Node, data: bytes | PackageSource, *, at: datetime, package: Package | None = None
    ) -> Submission:
        """What ``submit`` does, accepted together with whatever else is waiting (``package``:
        as ``check`` takes it)."""
        checked = check(node, data, at=at, package=package)
        try:
            waiting = _Waiting(node, checked, at)
            with self._lock:
                self._line.append(waiting)
                head = len(self._line) == 1
            if not head:
                waiting.turn.wait()
            if waiting.outcome is None:  # at the head of the line: this caller writes
                self._write()
            outcome = waiting.outcome
        finally:
            checked.discard()
        if isinstance(outcome, Submission):
            return outcome
        assert outcome is not None
        raise outcome

    def _write(self) -> None:
        """Accept the group at the head of the line (the caller's own package first), answer
        its callers, and hand the head to whoever waits next."""
        with self._lock:
            group = [self._line[index] for index in range(min(self._batch, len(self._line)))]
        try:
            self._accept(group)
        except BaseException:
            # This caller is interrupted (its thread stops): it leaves the line alone, and the
            # next caller writes the others again (a package accepted meanwhile is a repeat).
            for waiting in group[1:]:
                waiting.outcome = None
            group = group[:1]
            raise
        finally:
            with self._lock:
                for _ in group:
                    self._line.popleft()
                following = self._line[0] if self._line else None
            for waiting in group[1:]:
                waiting.turn.set()
            if following is not None:
                following.turn.set()

    @staticmethod
    def _accept(group: list[_Waiting]) -> None:
        try:
            # Every package was checked by then: the latest check time is when all are accepted.
            outcomes = accept(group[-1].node, [w.checked for w in group], at=max(w.at for w in group))
        except Exception as exc:  # the whole group failed (a database error): each caller learns it
            _log.exception("accepting %d packages failed", len(group))
            for waiting in group:
                waiting.outcome = exc
            return
        for waiting, outcome in zip(group, outcomes, strict=True):
            waiting.outcome = outcome


_INTAKES: weakref.WeakKeyDictionary[Database, Intake] = weakref.WeakKeyDictionary()
_INTAKES_GUARD = threading.Lock()


def intake_for(database: Database) -> Intake:
    """The intake of ``database`` in this process (made on first use)."""
    with _INTAKES_GUARD:
        intake = _INTAKES.get(database)
        if intake is None:
            intake = _INTAKES[database] = Intake()
        return intake
