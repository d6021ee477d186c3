"""What compose offers for a document's edXML fields: its type, the signer's competence and
its urgency.

Types are the administrative document types of Decree 30/2020/NĐ-CP, Article 7, in its order;
their names are the standard's own words and travel as ``DocumentType/TypeName`` (data, like an
agency's name, read the same in every language). QCVN 102:2016 leaves ``Type``/``TypeDetail``
to a code list the reference does not carry: ``Type`` is 1 (văn bản hành chính) and
``TypeDetail`` the type's place in Article 7.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One document type: what ``DocumentType`` carries for it."""

    type_detail: int
    name: str
    type: int = 1

    @property
    def key(self) -> str:
        return str(self.type_detail)


_NAMES: Final = (
    "Nghị quyết",
    "Quyết định",
    "Chỉ thị",
    "Quy chế",
    "Quy định",
    "Thông cáo",
    "Thông báo",
    "Hướng dẫn",
    "Chương trình",
    "Kế hoạch",
    "Phương án",
    "Đề án",
    "Dự án",
    "Báo cáo",
    "Biên bản",
    "Tờ trình",
    "Hợp đồng",
    "Công văn",
    "Công điện",
    "Bản ghi nhớ",
    "Bản thỏa thuận",
    "Giấy ủy quyền",
    "Giấy mời",
    "Giấy giới thiệu",
    "Giấy nghỉ phép",
    "Phiếu gửi",
    "Phiếu chuyển",
    "Phiếu báo",
    "Thư công",
)

#: Every type compose offers, by its key (``TypeDetail`` as text).
KINDS: Final[dict[str, DocumentKind]] = {
    str(i): DocumentKind(type_detail=i, name=name) for i, name in enumerate(_NAMES, start=1)
}
#: Công văn: what a document is when the form names no other type.
DEFAULT_KIND: Final = "18"

#: Signing for someone else (Decree 30/2020, Appendix I): thay mặt, ký thay, thừa lệnh, thừa
#: ủy quyền, quyền. ``SignerInfo/Competence`` is the prefix and whom it is for: ``TL. BỘ TRƯỞNG``.
COMPETENCES: Final = ("TM.", "KT.", "TL.", "TUQ.", "Q.")

#: ``OtherInfo/Priority``: thường, khẩn, thượng khẩn, hỏa tốc (the words are in the catalogue,
#: ``console-urgency-N``).
URGENCIES: Final = (0, 1, 2, 3)


def kind_for(type_detail: int, name: str) -> str:
    """The key of the type a received or sent document names, or ``DEFAULT_KIND``."""
    found = KINDS.get(str(type_detail))
    if found is not None and found.name == name:
        return found.key
    return next((k.key for k in KINDS.values() if k.name == name), DEFAULT_KIND)
