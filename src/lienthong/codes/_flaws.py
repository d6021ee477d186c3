"""What can be wrong with an identifier code, as messages shared by parsing and derivation.

Each function returns one finding as a ``Message`` (a code and its parameters) whose text is a
sentence; ``sentence`` joins several findings into the one message that a ``CodeError`` or a
lenient code's ``problem`` carries.
"""

from __future__ import annotations

from collections.abc import Sequence

from lienthong._i18n import Message, msg


def sentence(flaws: Sequence[Message]) -> Message:
    """``[a, b, c]`` -> one message that reads "A. B. C.": several findings, one message."""
    joined = flaws[-1]
    for flaw in reversed(flaws[:-1]):
        joined = msg("codes-flaws-and", first=flaw, more=joined)
    return joined


def segment_digits(level: int, digits: str, width: int) -> Message:
    if len(digits) == 1:
        return msg("codes-flaw-segment-digit", level=level, segment=digits, count=1, width=width)
    return msg("codes-flaw-segment-digits", level=level, segment=digits, count=len(digits), width=width)


def unit_digits(unit: str, width: int) -> Message:
    count = len(unit) - 1
    if count == 1:
        return msg("codes-flaw-unit-digit", unit=unit, count=count, width=width)
    return msg("codes-flaw-unit-digits", unit=unit, count=count, width=width)


def lower_case(letter: str) -> Message:
    return msg("codes-flaw-lower-case", letter=letter)


def whitespace() -> Message:
    return msg("codes-flaw-whitespace")


def missing_segments(count: int, *, lenient: bool) -> Message:
    if lenient:
        return msg("codes-flaw-segments-zero", count=count)
    return msg("codes-flaw-segments-missing", count=count)
