"""The order in which a recipient may report statuses on a document it received.

The rules (pure: the codes already sent, in, the problem or None out):

- 01 (received) may be sent first, and never after any other status.
- 02 (refused) only before 03, needs a reason, and ends the document: nothing follows it but an
  answer to a recall.
- 03 (registered) once, and not after 02.
- 04 (assigned) and 05 (in progress) need 03 first; 05 may repeat (progress reports), 04 may be
  sent again to re-assign, but neither goes after 05 → 04 is refused once 05 or 06 was sent.
- 06 (done) needs 03 first, once; nothing follows it but an answer to a recall.
- 15 / 16 answer a recall (13) received from the sender, once.
- 13 is the sender's code: a recipient never sends it (the sender uses "recall").

The node applies them to recall answers whichever way they come (API, VXP, a raw package, a
peer); the API and the console apply all of them before a clerk's status is built
(``lienthong.api.check_status`` turns a problem into its 409 or 400).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from lienthong._i18n import Message, msg
from lienthong.edxml import StatusCode
from lienthong.store import StatusEntry

S = StatusCode
_RANK = {S.RECEIVED: 1, S.REGISTERED: 3, S.ASSIGNED: 4, S.IN_PROGRESS: 5, S.DONE: 6}
_REPEATABLE = {S.IN_PROGRESS, S.ASSIGNED}
RECALL_ANSWERS = frozenset({S.RECALL_ACCEPTED, S.RECALL_REFUSED})


@dataclass(frozen=True, slots=True)
class StatusProblem:
    """Why a status may not be sent now."""

    message: Message
    #: True when the request itself is wrong (no reason for 02, 13 from a recipient), False
    #: when it is only out of order.
    invalid: bool = False


@dataclass(frozen=True, slots=True)
class StatusHistory:
    """What one recipient has reported on one document, and whether its sender asked it back."""

    sent: frozenset[StatusCode]
    recall_requested: bool


def status_history(timeline: Iterable[StatusEntry], *, sender: str, recipient: str) -> StatusHistory:
    """The history between a document's ``sender`` and one ``recipient``, from either side's
    timeline (the sender's node holds the recipient's statuses as IN, the recipient's as OUT)."""
    sent: set[StatusCode] = set()
    recall = False
    for step in timeline:
        try:
            code = StatusCode(step.status_code)
        except ValueError:
            continue
        if code is S.RECALL_REQUESTED:
            # A 13 goes to every recipient at once and the timeline keeps it once (under the
            # first addressee): any 13 of the sender's asks this recipient too.
            recall = recall or step.reporter == sender
        elif step.reporter == recipient and step.addressee == sender:
            sent.add(code)
    return StatusHistory(frozenset(sent), recall)


def visible_steps(timeline: Iterable[StatusEntry], code: str) -> tuple[StatusEntry, ...]:
    """The steps of one document's timeline that agency ``code`` may be shown: those it reported
    or that were addressed to it, and its sender's recall request (13: it asks every recipient
    at once and the timeline keeps it once). Another recipient's statuses on the same document,
    a refusal's reason among them, are that recipient's business."""
    return tuple(
        step
        for step in timeline
        if code in (step.reporter, step.addressee)
        or (step.status_code == S.RECALL_REQUESTED and step.reporter == step.sender)
    )


def _out_of_order(code: StatusCode, why: Message) -> StatusProblem:
    return StatusProblem(msg("node-status-out-of-order", status=code.value, why=why))


def status_problem(
    code: StatusCode, *, sent: Collection[StatusCode], recall_requested: bool, description: str | None
) -> StatusProblem | None:
    """Why ``code`` may not follow ``sent`` now; None when it may."""
    if code is S.RECALL_REQUESTED:
        return StatusProblem(
            msg("node-status-13-is-senders"),
            invalid=True,
        )
    if code in RECALL_ANSWERS:
        if not recall_requested:
            return _out_of_order(code, msg("node-status-no-recall-request"))
        if RECALL_ANSWERS & set(sent):
            return _out_of_order(code, msg("node-status-recall-answered"))
        return None
    if S.REFUSED in sent:
        return _out_of_order(code, msg("node-status-after-refused"))
    if S.DONE in sent:
        return _out_of_order(code, msg("node-status-after-done"))
    if code is S.REFUSED:
        if not (description or "").strip():
            return StatusProblem(msg("node-status-refusal-needs-reason"), invalid=True)
        if S.REGISTERED in sent:
            return _out_of_order(code, msg("node-status-after-registered"))
        return None
    highest = max((_RANK[c] for c in sent if c in _RANK), default=0)
    rank = _RANK[code]
    if code in sent and code not in _REPEATABLE:
        return _out_of_order(code, msg("node-status-already-sent"))
    if rank < highest:
        return _out_of_order(code, msg("node-status-later-sent"))
    if rank >= _RANK[S.ASSIGNED] and S.REGISTERED not in sent:
        return _out_of_order(code, msg("node-status-register-first"))
    return None
