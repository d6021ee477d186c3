"""Search as people type it: without diacritics, in any case ("van phong" finds "Văn phòng").

LEAD: the same function as ``portal._search.fold``; the console cannot import the portal (same
layer, listed after it), so one of the two should move to a lower layer at merge.
"""

from __future__ import annotations

import unicodedata

#: Letters NFD does not take apart: đ is a letter of its own, not d with a mark.
_OWN_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """``text`` without combining marks, đ as d, case folded: the form search compares."""
    bare = unicodedata.normalize("NFD", text.translate(_OWN_LETTERS))
    return "".join(char for char in bare if not unicodedata.combining(char)).casefold()
