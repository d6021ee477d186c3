"""``AgencyRecord``: what the registry knows of one code over one period of validity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    """One row of the registry. A code renamed or reopened has several, one per period."""

    #: The canonical code text, ``000.00.00.G22``.
    code: str
    #: The class letter of the code's level-1 unit.
    class_letter: str
    #: The unit's name in this period; None when our sources do not give it.
    name: str | None = None
    #: First day the record applies; None means "since before our sources".
    valid_from: date | None = None
    #: First day the record no longer applies (exclusive: the code is closed ON that day).
    valid_to: date | None = None
    #: The code that takes over from ``valid_to``; the code itself for a rename.
    successor: str | None = None
    #: Free text from the data file: where the row comes from, what happened.
    note: str | None = None

    def in_force(self, day: date) -> bool:
        """True when this record applies on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )

    @property
    def is_rename(self) -> bool:
        """True when the record ends only because the unit took a new name under the same code."""
        return self.successor == self.code

    def ends_by(self, day: date) -> bool:
        """True when the record has ended on or before ``day`` (for any reason)."""
        return self.valid_to is not None and self.valid_to <= day

    def overlaps(self, other: AgencyRecord) -> bool:
        """True when both periods share a day."""
        return (self.valid_to is None or other.valid_from is None or other.valid_from < self.valid_to) and (
            other.valid_to is None or self.valid_from is None or self.valid_from < other.valid_to
        )
