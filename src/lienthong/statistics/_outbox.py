"""The node's outbox of reports not yet accepted: pure decisions, no I/O, no clock.

A report waits here until the directory accepts it (or rejects it for good). While the
directory is down the entries wait with exponential backoff and jitter; a later revision of the
same (node, agency, day) replaces the one waiting, so an outage never sends stale revisions
first. The outbox is a value: each change returns a new one, and ``to_json``/``from_json`` let
the node keep it in a file or a table between runs.
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Final

from lienthong._i18n import Message
from lienthong._loop import Backoff
from lienthong.statistics._signing import SignedReport

#: First wait after a failure, and the longest wait between attempts.
BASE_DELAY: Final = timedelta(seconds=30)
MAX_DELAY: Final = timedelta(hours=1)


def retry_delay(
    attempts: int, *, jitter: float, base: timedelta = BASE_DELAY, cap: timedelta = MAX_DELAY
) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from ``base`` up to ``cap``,
    then scaled into [50 %, 100 %] by ``jitter`` in [0, 1) (the caller draws it)."""
    ceiling = Backoff(base=base, cap=cap).ceiling(attempts)
    return timedelta(seconds=ceiling * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0)))


@dataclass(frozen=True, slots=True)
class PendingReport:
    """One signed report waiting to be accepted."""

    #: ``node/agency/day``: one entry per key, the latest revision.
    key: str
    sequence: int
    signed: SignedReport
    attempts: int = 0
    next_attempt_at: datetime | None = None
    #: Why the last attempt failed, as data (a message; text in outboxes kept by older versions).
    last_error: Message | str | None = None


def _error(value: Any) -> Message | str | None:
    """A kept ``last_error``: a message's JSON, or the text an older version kept."""
    if isinstance(value, dict):
        try:
            return Message.from_json(value)
        except ValueError:
            return json.dumps(value)
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class ReportOutbox:
    """Reports waiting for the directory, by key."""

    pending: tuple[PendingReport, ...] = ()
    #: The backoff after failures (a node reporting often waits less); not kept by ``to_json``.
    base: timedelta = BASE_DELAY
    cap: timedelta = MAX_DELAY

    def __len__(self) -> int:
        return len(self.pending)

    def put(self, signed: SignedReport) -> ReportOutbox:
        """Queue ``signed``, replacing an older revision of the same key; an older or equal
        revision than the one waiting is dropped (the waiting one says more)."""
        report = signed.report
        key = report.report_id.rsplit("/", 1)[0]
        waiting = next((item for item in self.pending if item.key == key), None)
        if waiting is not None and waiting.sequence >= report.sequence:
            return self
        kept = tuple(item for item in self.pending if item.key != key)
        return replace(self, pending=(*kept, PendingReport(key, report.sequence, signed)))

    def due(self, at: datetime) -> tuple[PendingReport, ...]:
        """Entries to try now, oldest day first."""
        return tuple(
            sorted(
                (p for p in self.pending if p.next_attempt_at is None or p.next_attempt_at <= at),
                key=lambda p: p.key.rsplit("/", 1)[-1] + p.key,
            )
        )

    def accepted(self, key: str, sequence: int) -> ReportOutbox:
        """Forget ``key`` if the accepted revision is the one waiting (a newer one stays)."""
        return self._without(key, sequence)

    def rejected(self, key: str, sequence: int) -> ReportOutbox:
        """Forget a revision the directory refused for good (4xx): resending cannot help."""
        return self._without(key, sequence)

    def _without(self, key: str, sequence: int) -> ReportOutbox:
        kept = tuple(p for p in self.pending if not (p.key == key and p.sequence <= sequence))
        return replace(self, pending=kept)

    def failed(self, key: str, *, at: datetime, error: Message | str, jitter: float) -> ReportOutbox:
        """Record a failed attempt: wait longer before the next one."""
        delay = functools.partial(retry_delay, jitter=jitter, base=self.base, cap=self.cap)
        return replace(
            self,
            pending=tuple(
                replace(
                    item,
                    attempts=item.attempts + 1,
                    next_attempt_at=at + delay(item.attempts + 1),
                    last_error=error,
                )
                if item.key == key
                else item
                for item in self.pending
            ),
        )

    def to_json(self) -> bytes:
        entries: list[dict[str, Any]] = [
            {
                "key": p.key,
                "sequence": p.sequence,
                "report": base64.b64encode(p.signed.data).decode("ascii"),
                "signature": base64.b64encode(p.signed.signature).decode("ascii"),
                "attempts": p.attempts,
                "next_attempt_at": None if p.next_attempt_at is None else p.next_attempt_at.isoformat(),
                "last_error": p.last_error.to_json() if isinstance(p.last_error, Message) else p.last_error,
            }
            for p in self.pending
        ]
        return json.dumps({"format": "lienthong-statistics-outbox/1", "pending": entries}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> ReportOutbox:
        document = json.loads(data)
        return cls(
            tuple(
                PendingReport(
                    entry["key"],
                    entry["sequence"],
                    SignedReport(base64.b64decode(entry["report"]), base64.b64decode(entry["signature"])),
                    entry["attempts"],
                    None
                    if entry["next_attempt_at"] is None
                    else datetime.fromisoformat(entry["next_attempt_at"]),
                    _error(entry["last_error"]),
                )
                for entry in document["pending"]
            )
        )
