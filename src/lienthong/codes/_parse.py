"""``parse_code``: text to ``AgencyCode``, strictly by default, leniently for legacy peers.

Strict mode takes exactly ``DDD.DD.DD.LDD`` (ASCII digits, an upper-case class letter, no
level skipped). Lenient mode also takes what real peers send (``99.99.99.G21``,
``999.010.01.H22``, ``28.22.H17``, a lower-case letter, surrounding whitespace) and reads it
this way: missing leading segments are zero, each segment keeps its value (``99`` → ``099``,
``010`` → ``10``, an over-long value keeps all its digits), the letter is upper-cased. Text with
no level-1 unit at its end, a non-numeric or empty segment, or more than four segments is
refused in both modes.
"""

from __future__ import annotations

import functools
import re
from typing import Final, NoReturn

from lienthong._i18n import Message, msg
from lienthong.codes import _flaws
from lienthong.codes._code import (
    SEGMENT_LEVELS,
    SEGMENT_WIDTHS,
    UNIT_WIDTH,
    AgencyCode,
    canonical_digits,
)
from lienthong.errors import CodeError

#: Longest text (after stripping whitespace) worth reading as a code.
MAX_LENGTH: Final = 32

_STRICT = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")
_UNIT = re.compile(r"([A-Za-z])([0-9]+)")
_DIGITS = re.compile(r"[0-9]+")


@functools.lru_cache(maxsize=8192)
def _strict(text: str) -> AgencyCode:
    return AgencyCode(text)


def parse_code(text: str, *, lenient: bool = False) -> AgencyCode:
    """The code ``text`` names; raises ``CodeError`` with a message saying what is wrong.

    With ``lenient=True`` malformed but readable codes are accepted, flagged ``lenient`` with a
    ``problem`` message; their ``text`` is the canonical reading.
    """
    if _STRICT.fullmatch(text):
        return _strict(text)  # the common case, kept cheap for large registries and busy nodes
    stripped = text.strip()
    if not stripped:
        _refuse(msg("codes-empty"), text, "code-empty")
    if len(stripped) > MAX_LENGTH:
        _refuse(
            msg("codes-too-long", length=len(stripped)),
            text,
            "code-too-long",
        )
    flaws: list[Message] = [_flaws.whitespace()] if stripped != text else []
    pieces = stripped.split(".")
    if len(pieces) > 4:
        _refuse(
            msg("codes-too-many-segments", count=len(pieces)),
            text,
            "code-segments",
        )
    unit = _UNIT.fullmatch(pieces[-1])
    if unit is None:
        _refuse(
            msg("codes-no-unit", segment=pieces[-1]),
            text,
            "code-no-unit",
        )
    missing = 4 - len(pieces)
    if missing:
        flaws.append(_flaws.missing_segments(len(pieces), lenient=lenient))
    segments = ["0" * width for width in SEGMENT_WIDTHS[:missing]]
    for digits, width, level in zip(
        pieces[:-1], SEGMENT_WIDTHS[missing:], SEGMENT_LEVELS[missing:], strict=True
    ):
        if not _DIGITS.fullmatch(digits):
            _refuse(_not_a_number(level, digits), text, "code-not-number")
        if len(digits) != width:
            flaws.append(_flaws.segment_digits(level, digits, width))
        segments.append(canonical_digits(digits, width))
    letter, number = unit.groups()
    if not letter.isupper():
        flaws.append(_flaws.lower_case(letter))
    if len(number) != UNIT_WIDTH:
        flaws.append(_flaws.unit_digits(letter.upper() + number, UNIT_WIDTH))
    canonical = ".".join(segments) + "." + letter.upper() + canonical_digits(number, UNIT_WIDTH)
    if not flaws:
        return AgencyCode(canonical)
    if not lenient:
        _refuse(_flaws.sentence(flaws), text, "code-malformed")
    return AgencyCode(canonical, lenient=True, problem=_flaws.sentence(flaws))


def is_valid_code(text: str, *, lenient: bool = False) -> bool:
    """True when ``parse_code(text, lenient=lenient)`` would accept ``text``."""
    try:
        parse_code(text, lenient=lenient)
    except CodeError:
        return False
    return True


def _not_a_number(level: int, digits: str) -> Message:
    if not digits:
        return msg("codes-segment-empty", level=level)
    return msg("codes-segment-not-number", level=level, segment=digits)


def _refuse(message: Message, text: str, code: str) -> NoReturn:
    raise CodeError(message, value=text, code=code)
