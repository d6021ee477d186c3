"""``CodeStatus``: what the registry says of one code on one day.

It holds primary facts (the code's record, the record whose closure applies, the successor
chain); ``known``, ``active``, ``closed_on``, ``successor`` and ``problem`` are computed from
them, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lienthong._i18n import Message, msg
from lienthong.codes._code import AgencyCode
from lienthong.codes._record import AgencyRecord


def format_day(day: date) -> Message:
    """A date as people read it: ``01/07/2025`` in Vietnamese, ``2025-07-01`` in English."""
    return msg(
        "codes-day", year=format(day.year, "04d"), month=format(day.month, "02d"), day=format(day.day, "02d")
    )


@dataclass(frozen=True, slots=True)
class Successor:
    """One step of a successor chain: the code and its name on the day asked about."""

    code: str
    name: str | None

    def __str__(self) -> str:
        return f"{self.code} ({self.name})" if self.name else self.code


@dataclass(frozen=True, slots=True)
class CodeStatus:
    """The registry's answer for ``code`` on day ``at``."""

    #: The code asked about.
    code: AgencyCode
    #: The day the answer is for.
    at: date
    #: The code's record in force on ``at``; if none is, the latest one ended by then, else the
    #: earliest one (not yet in force). None when the registry does not know the code.
    record: AgencyRecord | None
    #: The record whose end makes the code unusable on ``at``: the code's own, or that of the
    #: nearest unit above it. None when nothing is closed. A rename is not a closure.
    closing: AgencyRecord | None = None
    #: The successors of ``closing``, followed until an open or unknown code, a dead end or a
    #: cycle; empty when ``closing`` names none. The last one may itself be closed: check it.
    successors: tuple[Successor, ...] = ()

    @property
    def known(self) -> bool:
        """True when the registry has a record of this very code."""
        return self.record is not None

    @property
    def name(self) -> str | None:
        return None if self.record is None else self.record.name

    @property
    def not_yet_in_force(self) -> bool:
        """True when the code's only records start after ``at``."""
        start = None if self.record is None else self.record.valid_from
        return start is not None and self.at < start

    @property
    def active(self) -> bool | None:
        """False if the code or a unit above it is closed (or not yet open) on ``at``; True if
        known and open; None if unknown and nothing above it is closed."""
        if self.closing is not None or self.not_yet_in_force:
            return False
        return None if self.record is None else True

    @property
    def closed_by_ancestor(self) -> bool:
        """True when the code is unusable because a unit above it was closed."""
        return self.closing is not None and self.closing.code != self.code.text

    @property
    def closed_on(self) -> date | None:
        """The day the code (or the unit above it that was closed) was closed."""
        return None if self.closing is None else self.closing.valid_to

    @property
    def successor(self) -> str | None:
        """The code that directly takes over from this one (not from a closed unit above it)."""
        if self.closing is None or self.closed_by_ancestor:
            return None
        return self.closing.successor

    @property
    def final_successor(self) -> str | None:
        """The end of this code's successor chain; None when it has no successor."""
        if self.successor is None or not self.successors:
            return None
        return self.successors[-1].code

    @property
    def problem(self) -> Message | None:
        """Why the code cannot be used on ``at`` (a message: code and parameters); None when
        nothing is wrong."""
        if self.closing is not None and self.closing.valid_to is not None:
            day = format_day(self.closing.valid_to)
            successor = self._successor_clause()
            if self.closed_by_ancestor:
                unit = AgencyCode(self.closing.code)
                who = Successor(unit.text, self.closing.name)
                return msg("codes-unit-closed", level=unit.level, unit=str(who), day=day, successor=successor)
            return msg("codes-closed", day=day, successor=successor)
        if self.not_yet_in_force and self.record is not None and self.record.valid_from:
            return msg("codes-not-yet-in-force", day=format_day(self.record.valid_from))
        return None

    def _successor_clause(self) -> Message:
        if not self.successors:
            return msg("codes-successor-none")
        first, last = self.successors[0], self.successors[-1]
        if first == last:
            return msg("codes-successor", successor=str(first))
        return msg("codes-successor-chain", successor=str(first), final=str(last))
