"""Status codes of QCVN 102:2016 status packages, with the labels clerks read."""

from __future__ import annotations

import enum

from lienthong._i18n import Message, msg, render


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
    def label(self) -> Message:
        """The label clerks read, as a message: render it in the language asked for."""
        return _LABELS[self]

    @property
    def label_vi(self) -> str:
        return render(_LABELS[self], "vi")

    @property
    def label_en(self) -> str:
        return render(_LABELS[self], "en")

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


_LABELS: dict[StatusCode, Message] = {
    StatusCode.RECEIVED: msg("edxml-status-received"),
    StatusCode.REFUSED: msg("edxml-status-refused"),
    StatusCode.REGISTERED: msg("edxml-status-registered"),
    StatusCode.ASSIGNED: msg("edxml-status-assigned"),
    StatusCode.IN_PROGRESS: msg("edxml-status-in-progress"),
    StatusCode.DONE: msg("edxml-status-done"),
    StatusCode.RECALL_REQUESTED: msg("edxml-status-recall-requested"),
    StatusCode.RECALL_ACCEPTED: msg("edxml-status-recall-accepted"),
    StatusCode.RECALL_REFUSED: msg("edxml-status-recall-refused"),
}
