"""``CodeStatus``: what the registry says of one code on one day.

It holds primary facts (the code's record, the record whose closure applies, the successor
chain); ``known``, ``active``, ``closed_on``, ``successor`` and ``problem`` are computed from
them, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lienthong._i18n import tr
from lienthong.codes._code import AgencyCode
from lienthong.codes._record import AgencyRecord


def format_day(day: date) -> str:
    """A date as people read it: ``01/07/2025`` in Vietnamese, ``2025-07-01`` in English."""
    return tr(day.strftime("%d/%m/%Y"), day.isoformat())


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
    def problem(self) -> str | None:
        """One sentence on why the code cannot be used on ``at``; None when nothing is wrong."""
        if self.closing is not None and self.closing.valid_to is not None:
            day = format_day(self.closing.valid_to)
            if self.closed_by_ancestor:
                unit = AgencyCode(self.closing.code)
                who = Successor(unit.text, self.closing.name)
                closed = tr(
                    f"Đơn vị cấp {unit.level} {who} của mã này đã đóng từ {day}",
                    f"Its level-{unit.level} unit {who} was closed on {day}",
                )
            else:
                closed = tr(f"Mã đã đóng từ {day}", f"The code was closed on {day}")
            return f"{closed}; {self._successor_clause()}."
        if self.not_yet_in_force and self.record is not None and self.record.valid_from:
            start = format_day(self.record.valid_from)
            return tr(f"Mã chỉ có hiệu lực từ {start}.", f"The code is in force only from {start}.")
        return None

    def _successor_clause(self) -> str:
        if not self.successors:
            return tr("danh bạ không ghi đơn vị kế thừa", "the registry names no successor")
        first, last = self.successors[0], self.successors[-1]
        if first == last:
            return tr(f"đơn vị kế thừa: {first}", f"successor: {first}")
        return tr(f"đơn vị kế thừa: {first}, nay là {last}", f"successor: {first}, now {last}")
