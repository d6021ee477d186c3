"""Recall by status (13, then 15 or 16): applied on both sides, not merely shown.

At the recipient's node, a 13 received from the document's sender marks the received document
``RECALL_REQUESTED``; the recipient's 15 marks it ``RECALLED``, its 16 puts it back to
``ACTIVE`` (the refusal stays in the timeline, with its reason). At the sender's node the recall
of each recipient stands in the timeline, the 13 it sent and the 15 or 16 that came back:
``recall_states`` reads it. A 15 or 16 that answers no recall, or answers one twice, is refused
on the way out (submission) and on the way in (reception), by the rules of ``_status_rules``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from lienthong.edxml import StatusCode, StatusPackage
from lienthong.node._errors import PackageRefused, Refusal
from lienthong.node._status_rules import RECALL_ANSWERS, status_history, status_problem
from lienthong.store import Direction, Disposition, NodeStore, StatusEntry


class RecallState(enum.StrEnum):
    """Where a recall of one document stands at one recipient."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REFUSED = "refused"


_ANSWERED = {StatusCode.RECALL_ACCEPTED: RecallState.ACCEPTED, StatusCode.RECALL_REFUSED: RecallState.REFUSED}


def _parties(package: StatusPackage, addressee: str) -> tuple[str, str] | None:
    """(the document's sender, the recipient) a recall step is between; None for other codes."""
    if package.status_code is StatusCode.RECALL_REQUESTED:
        return package.from_code, addressee
    if package.status_code in RECALL_ANSWERS:
        return addressee, package.from_code
    return None


def check_recall(store: NodeStore, package: StatusPackage, *, addressee: str) -> None:
    """Raise ``PackageRefused`` for a 15 or 16 that answers no recall, or one already answered.
    ``addressee``: whom the status is for (the code it is received for, or sent to)."""
    parties = _parties(package, addressee)
    if parties is None or package.status_code is StatusCode.RECALL_REQUESTED:
        return
    timeline = store.timeline(package.document_id, sender=parties[0])
    history = status_history(timeline, sender=parties[0], recipient=parties[1])
    problem = status_problem(
        package.status_code,
        sent=history.sent,
        recall_requested=history.recall_requested,
        description=package.description,
    )
    if problem is not None:
        raise PackageRefused(problem.message, reason=Refusal.OUT_OF_ORDER)


def mark_recall(store: NodeStore, package: StatusPackage, *, addressee: str, direction: Direction) -> None:
    """Apply a checked recall step to the recipient's copy, before the step enters the timeline."""
    parties = _parties(package, addressee)
    if parties is None:
        return
    sender, recipient = parties
    document_id = package.document_id
    if package.status_code is StatusCode.RECALL_REQUESTED:
        history = status_history(
            store.timeline(document_id, sender=sender), sender=sender, recipient=recipient
        )
        if direction is Direction.IN and not RECALL_ANSWERS & history.sent:
            store.set_disposition(
                document_id=document_id, sender=sender, recipient=recipient,
                to=Disposition.RECALL_REQUESTED, only_from=(Disposition.ACTIVE,),
            )  # fmt: skip
        return
    if direction is Direction.OUT:  # the recipient's own answer: its copy changes now
        accepted = package.status_code is StatusCode.RECALL_ACCEPTED
        store.set_disposition(
            document_id=document_id, sender=sender, recipient=recipient,
            to=Disposition.RECALLED if accepted else Disposition.ACTIVE,
            only_from=(Disposition.ACTIVE, Disposition.RECALL_REQUESTED) if accepted
            else (Disposition.RECALL_REQUESTED,),
        )  # fmt: skip


def apply_recall(store: NodeStore, package: StatusPackage, *, addressee: str, direction: Direction) -> None:
    """``check_recall`` then ``mark_recall``, in the transaction that records the status."""
    check_recall(store, package, addressee=addressee)
    mark_recall(store, package, addressee=addressee, direction=direction)


def recall_states(
    timeline: Iterable[StatusEntry], *, sender: str, recipients: Iterable[str]
) -> dict[str, RecallState]:
    """Recipient code → where the recall of ``sender``'s document stands there; empty when the
    sender never asked it back. Read from either side's timeline of the document (a 13 goes to
    every recipient at once: the timeline keeps it once)."""
    steps = list(timeline)
    if not any(s.status_code == StatusCode.RECALL_REQUESTED and s.reporter == sender for s in steps):
        return {}
    states = dict.fromkeys(recipients, RecallState.REQUESTED)
    for step in steps:
        if step.addressee == sender and step.status_code in _ANSWERED:
            states[step.reporter] = _ANSWERED[StatusCode(step.status_code)]
    return states
