"""Level-1 bodies' e-document regulation dates: set, clear, list, and the group figures
("7/23 ministries, 19/63 provinces") counted against the registry's open level-1 codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lienthong._clock import Clock
from lienthong._i18n import msg
from lienthong.codes import parse_code
from lienthong.directory import DirectoryConflict, DirectoryEntryUnknown, DirectoryRegistry
from lienthong.store import AgencyEntry, RegulationEntry, StatisticsStore


@dataclass(frozen=True, slots=True)
class GroupFigure:
    """Of the open level-1 bodies of one class letter, how many have issued their regulation."""

    letter: str
    issued: int
    total: int


def open_level1(agencies: tuple[AgencyEntry, ...], *, on: date) -> dict[str, AgencyEntry]:
    """Level-1 codes open on ``on``, by code."""
    return {
        entry.code: entry
        for entry in agencies
        if entry.level == 1
        and (entry.valid_from is None or entry.valid_from <= on)
        and (entry.valid_to is None or on < entry.valid_to)
    }


class Regulations:
    """The regulation dates of one directory."""

    def __init__(self, registry: DirectoryRegistry, *, clock: Clock) -> None:
        self.registry = registry
        self._clock = clock

    def set(self, code: str, issued_on: date, *, actor: str, reference: str | None = None) -> RegulationEntry:
        """Record the day ``code`` (a level-1 body in the registry) issued its regulation."""
        text = parse_code(code).text
        history = self.registry.agency(text)  # raises DirectoryEntryUnknown
        if history[0].level != 1:
            raise DirectoryConflict(msg("portal-regulation-not-level-1", code=text))
        if issued_on > self._clock().date():
            raise DirectoryConflict(msg("portal-regulation-day-ahead", day=issued_on.isoformat()))
        entry = RegulationEntry(text, issued_on, reference, self._clock(), actor)
        with StatisticsStore.begin(self.registry.database) as store:
            store.set_regulation(entry)
        return entry

    def clear(self, code: str) -> None:
        text = parse_code(code, lenient=True).text
        with StatisticsStore.begin(self.registry.database) as store:
            if not store.clear_regulation(text):
                raise DirectoryEntryUnknown(msg("portal-regulation-unknown", code=text))

    def all(self) -> list[RegulationEntry]:
        with StatisticsStore.begin(self.registry.database) as store:
            return store.regulations()

    def groups(
        self, agencies: tuple[AgencyEntry, ...], *, on: date, letters: str = "GH"
    ) -> list[GroupFigure]:
        """For each class letter, issued (on or before ``on``) out of the open level-1 bodies."""
        bodies = open_level1(agencies, on=on)
        issued = {entry.code for entry in self.all() if entry.issued_on <= on}
        return [
            GroupFigure(
                letter,
                sum(1 for code in bodies if code in issued and bodies[code].class_letter == letter),
                sum(1 for entry in bodies.values() if entry.class_letter == letter),
            )
            for letter in letters
        ]
