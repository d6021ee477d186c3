"""``AgencyCode``: one identifier code (mã định danh) and its place in the hierarchy.

``DDD.DD.DD.LDD`` reads right to left: ``LDD`` is the level-1 unit (class letter and two
digits); then the level-2 segment (third), level-3 (second) and level-4 (first). A zero segment
means "this unit itself", so the level is given by the leftmost non-zero segment, and the parent
is the code with that segment zeroed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from lienthong._i18n import Message, msg
from lienthong.codes import _flaws
from lienthong.codes._classes import class_meaning
from lienthong.errors import CodeError

#: Digits of the numeric segments, left to right, and the level each one names.
SEGMENT_WIDTHS: Final = (3, 2, 2)
SEGMENT_LEVELS: Final = (4, 3, 2)
#: Digits after the class letter of the level-1 unit.
UNIT_WIDTH: Final = 2

# The canonical form: segments may be longer than their width (lenient codes keep an over-long
# value), but never carry a leading zero beyond the width.
_CANONICAL = re.compile(r"([0-9]{3,})\.([0-9]{2,})\.([0-9]{2,})\.([A-Z])([0-9]{2,})", re.ASCII)

_Parts = tuple[str, str, str, str, str]


def is_zero(digits: str) -> bool:
    # Not int(): a lenient segment may be long, and int() of a huge string is refused.
    return not digits.strip("0")


def canonical_digits(digits: str, width: int) -> str:
    """Leading zeros dropped, then padded to ``width``: ``99`` → ``099``, ``010`` → ``10``."""
    return digits.lstrip("0").zfill(width)


def structural_flaws(parts: _Parts) -> list[Message]:
    """What keeps canonical ``parts`` from being a strict code: segments of the wrong width.

    A zero between non-zero segments (``001.00.04.G14``: a level-4 unit directly under a
    level-2 one) matches the standard's pattern and is accepted; its parent is the next
    non-zero segment up.
    """
    flaws = [
        _flaws.segment_digits(level, digits, width)
        for digits, width, level in zip(parts[:3], SEGMENT_WIDTHS, SEGMENT_LEVELS, strict=True)
        if len(digits) != width
    ]
    if len(parts[4]) != UNIT_WIDTH:
        flaws.append(_flaws.unit_digits(parts[3] + parts[4], UNIT_WIDTH))
    return flaws


@dataclass(frozen=True, slots=True)
class AgencyCode:
    """An identifier code in canonical form. Build one with ``parse_code``.

    Two codes are equal when their canonical texts are: how a code was written (and so
    ``lenient`` and ``problem``) does not change which unit it names.
    """

    #: The canonical text, ``DDD.DD.DD.LDD``; a lenient code may keep an over-long segment.
    text: str
    #: True when the code was accepted only in lenient mode (or its text is not strict).
    lenient: bool = field(default=False, compare=False)
    #: For a lenient code, what was malformed (a message: code and parameters); None otherwise.
    problem: Message | None = field(default=None, compare=False)
    _parts: _Parts = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        match = _CANONICAL.fullmatch(self.text)
        parts: _Parts | None = None
        if match is not None:
            s4, s3, s2, letter, number = match.groups()
            pairs = (*zip((s4, s3, s2), SEGMENT_WIDTHS, strict=True), (number, UNIT_WIDTH))
            if all(canonical_digits(digits, width) == digits for digits, width in pairs):
                parts = (s4, s3, s2, letter, number)
        if parts is None:
            raise CodeError(
                msg("codes-not-canonical", code=self.text),
                value=self.text,
                code="code-not-canonical",
            )
        if not self.lenient:
            flaws = structural_flaws(parts)
            if flaws:
                raise CodeError(_flaws.sentence(flaws), value=self.text, code="code-malformed")
        object.__setattr__(self, "_parts", parts)

    def __str__(self) -> str:
        return self.text

    @property
    def level(self) -> int:
        """4, 3, 2 or 1: the level of the leftmost non-zero segment, 1 when all are zero."""
        for digits, level in zip(self._parts[:3], SEGMENT_LEVELS, strict=True):
            if not is_zero(digits):
                return level
        return 1

    @property
    def class_letter(self) -> str:
        return self._parts[3]

    @property
    def class_meaning(self) -> Message | None:
        """What the class letter stands for, as a message; None if not assigned."""
        return class_meaning(self._parts[3])

    @property
    def parent(self) -> AgencyCode | None:
        """The unit this one belongs to (its lowest non-zero segment zeroed); None at level 1."""
        segments = list(self._parts[:3])
        for index, digits in enumerate(segments):
            if not is_zero(digits):
                segments[index] = "0" * SEGMENT_WIDTHS[index]
                return _derive((segments[0], segments[1], segments[2], *self._parts[3:]))
        return None

    @property
    def parents(self) -> tuple[AgencyCode, ...]:
        """Every unit above this one, nearest first, ending at level 1."""
        chain: list[AgencyCode] = []
        current = self.parent
        while current is not None:
            chain.append(current)
            current = current.parent
        return tuple(chain)

    @property
    def level1(self) -> AgencyCode:
        """The level-1 unit this code belongs to (itself at level 1)."""
        if self.level == 1:
            return self
        return _derive(("000", "00", "00", self._parts[3], self._parts[4]))

    def is_ancestor_of(self, other: AgencyCode) -> bool:
        """True when ``other`` lies strictly below this unit (a province above its departments)."""
        return self in other.parents

    def contains(self, other: AgencyCode) -> bool:
        """True when ``other`` is this unit or lies below it: the subtree test routing uses."""
        return other == self or self.is_ancestor_of(other)


def _derive(parts: _Parts) -> AgencyCode:
    """A code built from another's parts: lenient only if its own text is not strict."""
    text = f"{parts[0]}.{parts[1]}.{parts[2]}.{parts[3]}{parts[4]}"
    flaws = structural_flaws(parts)
    if flaws:
        return AgencyCode(text, lenient=True, problem=_flaws.sentence(flaws))
    return AgencyCode(text)
