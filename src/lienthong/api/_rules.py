"""The order in which a recipient may report statuses on a document it received.

The rules (pure: the codes already sent, in, the decision out):

- 01 (received) may be sent first, and never after any other status.
- 02 (refused) only before 03, needs a reason, and ends the document: nothing follows it but an
  answer to a recall.
- 03 (registered) once, and not after 02.
- 04 (assigned) and 05 (in progress) need 03 first; 05 may repeat (progress reports), 04 may be
  sent again to re-assign, but neither goes after 05 → 04 is refused once 05 or 06 was sent.
- 06 (done) needs 03 first, once; nothing follows it but an answer to a recall.
- 15 / 16 answer a recall (13) received from the sender, once.
- 13 is the sender's code: a recipient never sends it (the sender uses "recall").
"""

from __future__ import annotations

from collections.abc import Collection

from lienthong._i18n import tr
from lienthong.api._errors import RequestInvalid, StatusOutOfOrder
from lienthong.edxml import StatusCode

S = StatusCode
_RANK = {S.RECEIVED: 1, S.REGISTERED: 3, S.ASSIGNED: 4, S.IN_PROGRESS: 5, S.DONE: 6}
_REPEATABLE = {S.IN_PROGRESS, S.ASSIGNED}


def _refuse(code: StatusCode, vi: str, en: str) -> StatusOutOfOrder:
    return StatusOutOfOrder(
        tr(f"Không gửi được trạng thái {code.value}: {vi}", f"Cannot send {code.value}: {en}")
    )


def check_status(
    code: StatusCode, *, sent: Collection[StatusCode], recall_requested: bool, description: str | None
) -> None:
    """Raise ``StatusOutOfOrder`` (or ``RequestInvalid``) unless ``code`` may be sent now."""
    if code is S.RECALL_REQUESTED:
        raise RequestInvalid(
            tr("mã 13 do bên gửi gửi: hãy dùng thu hồi", "13 is the sender's: use recall instead")
        )
    if code in (S.RECALL_ACCEPTED, S.RECALL_REFUSED):
        if not recall_requested:
            raise _refuse(code, "chưa có yêu cầu thu hồi (13)", "no recall request (13) was received")
        if S.RECALL_ACCEPTED in sent or S.RECALL_REFUSED in sent:
            raise _refuse(code, "đã trả lời yêu cầu thu hồi", "the recall was already answered")
        return
    if S.REFUSED in sent:
        raise _refuse(code, "văn bản đã bị từ chối (02)", "the document was refused (02)")
    if S.DONE in sent:
        raise _refuse(code, "văn bản đã hoàn thành (06)", "the document is done (06)")
    if code is S.REFUSED:
        if not (description or "").strip():
            raise RequestInvalid(tr("từ chối (02) cần nêu lý do", "a refusal (02) needs a reason"))
        if S.REGISTERED in sent:
            raise _refuse(code, "văn bản đã được tiếp nhận (03)", "the document was registered (03)")
        return
    highest = max((_RANK[c] for c in sent if c in _RANK), default=0)
    rank = _RANK[code]
    if code in sent and code not in _REPEATABLE:
        raise _refuse(code, "trạng thái này đã được gửi", "this status was already sent")
    if rank < highest:
        raise _refuse(code, "trạng thái sau đã được gửi", "a later status was already sent")
    if rank >= _RANK[S.ASSIGNED] and S.REGISTERED not in sent:
        raise _refuse(code, "cần tiếp nhận (03) trước", "the document must be registered (03) first")
