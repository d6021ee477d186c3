"""Class letters of level-1 units (the ``L`` of ``LDD``) and what each stands for.

From QĐ 20/2020/QĐ-TTg as summarised in ``reference/EDXML.md`` §1. A letter not listed here is
still well-formed: new classes may be assigned, and codes carrying them must keep flowing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from lienthong._i18n import tr

#: Letter -> (Vietnamese, English) meaning.
CLASS_MEANINGS: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        "A": ("Cơ quan của Đảng", "Party bodies"),
        "B": ("Văn phòng Chủ tịch nước", "Office of the President"),
        "C": ("Cơ quan của Quốc hội", "National Assembly bodies"),
        "D": ("Tòa án nhân dân tối cao", "Supreme People's Court"),
        "E": ("Viện kiểm sát nhân dân tối cao", "Supreme People's Procuracy"),
        "F": ("Kiểm toán Nhà nước", "State Audit"),
        "G": (
            "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
            "Ministries and government agencies",
        ),
        "H": (
            "Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương",
            "Provincial People's Committees",
        ),
        "I": ("Tổ chức chính trị - xã hội ở trung ương", "Central socio-political organisations"),
        "J": (
            "Tổ chức xã hội, tổ chức xã hội - nghề nghiệp",
            "Social and professional organisations",
        ),
        "K": (
            "Hội đồng nhân dân tỉnh, thành phố trực thuộc trung ương",
            "Provincial People's Councils",
        ),
    }
)


def class_meaning(letter: str) -> str | None:
    """What the class ``letter`` stands for, in the current language; None if not assigned."""
    meaning = CLASS_MEANINGS.get(letter)
    return None if meaning is None else tr(*meaning)
