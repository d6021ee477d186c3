"""Status codes of QCVN 102:2016 status packages, with the labels clerks read."""

from __future__ import annotations

import enum

from lienthong._i18n import tr


class StatusCode(enum.StrEnum):
    """What became of a document at one recipient (01–06), or of a recall request (13, 15, 16)."""

    RECEIVED = "01"
    REFUSED = "02"
    REGISTERED = "03"
    ASSIGNED = "04"
    IN_PROGRESS = "05"
    DONE = "06"
    RECALL_REQUESTED = "13"
    RECALL_ACCEPTED = "15"
    RECALL_REFUSED = "16"

    @property
    def label(self) -> str:
        """The label in the chosen language (Vietnamese by default)."""
        vi, en = _LABELS[self]
        return tr(vi, en)

    @property
    def label_vi(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]

    @property
    def sent_by_sender(self) -> bool:
        """13 is sent by the original document's sender; every other code by a recipient."""
        return self is StatusCode.RECALL_REQUESTED

    @classmethod
    def parse(cls, text: str) -> StatusCode:
        """The code for ``text``; ``"1"`` is read as ``"01"``. Raises ValueError if unknown."""
        value = text.strip()
        if value.isdigit() and len(value) == 1:
            value = "0" + value
        return cls(value)


_LABELS: dict[StatusCode, tuple[str, str]] = {
    StatusCode.RECEIVED: ("Đã đến", "Received"),
    StatusCode.REFUSED: ("Từ chối tiếp nhận", "Refused"),
    StatusCode.REGISTERED: ("Đã tiếp nhận", "Registered"),
    StatusCode.ASSIGNED: ("Phân công xử lý", "Assigned"),
    StatusCode.IN_PROGRESS: ("Đang xử lý", "In progress"),
    StatusCode.DONE: ("Hoàn thành", "Done"),
    StatusCode.RECALL_REQUESTED: ("Yêu cầu lấy lại", "Recall or update requested"),
    StatusCode.RECALL_ACCEPTED: ("Đồng ý lấy lại / cập nhật", "Recall or update accepted"),
    StatusCode.RECALL_REFUSED: ("Từ chối lấy lại / cập nhật", "Recall or update refused"),
}
