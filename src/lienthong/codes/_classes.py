"""Class letters of level-1 units (the ``L`` of ``LDD``) and what each stands for.

From QĐ 20/2020/QĐ-TTg as summarised in ``reference/EDXML.md`` §1. A letter not listed here is
still well-formed: new classes may be assigned, and codes carrying them must keep flowing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from lienthong._i18n import Message, msg

#: Letter -> what it stands for (its words are in the catalogue, in both languages).
CLASS_MEANINGS: Final[Mapping[str, Message]] = MappingProxyType(
    {
        "A": msg("codes-class-a"),
        "B": msg("codes-class-b"),
        "C": msg("codes-class-c"),
        "D": msg("codes-class-d"),
        "E": msg("codes-class-e"),
        "F": msg("codes-class-f"),
        "G": msg("codes-class-g"),
        "H": msg("codes-class-h"),
        "I": msg("codes-class-i"),
        "J": msg("codes-class-j"),
        "K": msg("codes-class-k"),
    }
)


def class_meaning(letter: str) -> Message | None:
    """What the class ``letter`` stands for, as a message; None if not assigned."""
    return CLASS_MEANINGS.get(letter)
