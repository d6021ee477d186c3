"""The words for what can be wrong with an identifier code, shared by parsing and derivation.

Each function returns a clause (lower case, no full stop); ``sentence`` joins clauses into the
one sentence that a ``CodeError`` or a lenient code's ``problem`` carries.
"""

from __future__ import annotations

from collections.abc import Sequence

from lienthong._i18n import tr


def sentence(clauses: Sequence[str]) -> str:
    """``["a", "b"]`` -> ``"A; b."``: several findings still read as one sentence."""
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."


def _digits(count: int) -> str:
    return f"{count} digit" if count == 1 else f"{count} digits"


def segment_digits(level: int, digits: str, width: int) -> str:
    return tr(
        f"đoạn cấp {level} '{digits}' có {len(digits)} chữ số thay vì {width}",
        f"the level-{level} segment '{digits}' has {_digits(len(digits))} instead of {width}",
    )


def unit_digits(unit: str, width: int) -> str:
    count = len(unit) - 1
    return tr(
        f"mã đơn vị cấp 1 '{unit}' có {count} chữ số sau chữ cái thay vì {width}",
        f"the level-1 unit '{unit}' has {_digits(count)} after the letter instead of {width}",
    )


def lower_case(letter: str) -> str:
    return tr(
        f"chữ cái phân loại '{letter}' viết thường",
        f"the class letter '{letter}' is lower case",
    )


def whitespace() -> str:
    return tr("có khoảng trắng ở đầu hoặc cuối", "it has leading or trailing whitespace")


def missing_segments(count: int, *, lenient: bool) -> str:
    if lenient:
        return tr(
            f"chỉ có {count} đoạn thay vì 4, các đoạn đầu còn thiếu được coi là 0",
            f"it has {count} segments instead of 4; the missing leading ones are read as zero",
        )
    return tr(
        f"chỉ có {count} đoạn thay vì 4 (DDD.DD.DD.LDD)",
        f"it has {count} segments instead of 4 (DDD.DD.DD.LDD)",
    )
