"""``node_day_activity``: what a node's tables say about one day, read-only, for its statistics.

Three statements per day whatever the number of agencies: the documents queued that day (with
their receipt's time), the statuses answering them, the documents received, and the statuses
issued that day counted in SQL. Nothing outside the day's window is read into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, case, func, select

from lienthong.store._database import Database
from lienthong.store._node_entries import DeliveryState, Direction, PackageKind
from lienthong.store._node_rows import InboxRow, OutboxRow, ReceiptRow, StatusRow

_OUT = cast(Table, OutboxRow.__table__)
_IN = cast(Table, InboxRow.__table__)
_RECEIPTS = cast(Table, ReceiptRow.__table__)
_STATUSES = cast(Table, StatusRow.__table__)
#: The recipient's answer that counts as a refusal.
REFUSED = "02"


@dataclass(frozen=True, slots=True)
class SentDelivery:
    """One document queued towards one recipient, and what became of it."""

    document_id: str
    package_sha256: str
    sender: str
    #: The code actually delivered to (a closed code's successor, when redirected).
    recipient: str
    sent_at: datetime
    state: DeliveryState
    #: When the recipient's node receipted it (the receipt's arrival here); None while none.
    delivered_at: datetime | None
    #: When the first status from the recipient arrived here; None while none has.
    first_status_at: datetime | None
    #: The recipient answered 02 (refused).
    refused_status: bool


@dataclass(frozen=True, slots=True)
class ReceivedDocument:
    """One document received for one code served here."""

    document_id: str
    package_sha256: str
    sender: str
    recipient: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class DayActivity:
    """A node's records of one day, every agency at once."""

    sent: tuple[SentDelivery, ...] = ()
    received: tuple[ReceivedDocument, ...] = ()
    #: (issuing agency, status code, count) of the status packages issued that day.
    statuses: tuple[tuple[str, str, int], ...] = ()

    @property
    def agencies(self) -> frozenset[str]:
        """The codes with anything recorded that day."""
        return frozenset(
            [d.sender for d in self.sent]
            + [d.recipient for d in self.received]
            + [agency for agency, _, _ in self.statuses]
        )


def node_day_activity(database: Database, *, start: datetime, end: datetime) -> DayActivity:
    """The records with their time in ``[start, end)``: documents sent (queued), received, and
    statuses issued. Deliveries and answers that came later are attached to their documents."""
    in_window_out = (
        (_OUT.c.created_at >= start) & (_OUT.c.created_at < end) & (_OUT.c.kind == PackageKind.DOCUMENT.value)
    )
    sent_query = (
        select(
            _OUT.c.document_id,
            _OUT.c.package_sha256,
            _OUT.c.sender,
            _OUT.c.deliver_to,
            _OUT.c.created_at,
            _OUT.c.state,
            _RECEIPTS.c.at,
        )
        .select_from(_OUT.outerjoin(_RECEIPTS, _RECEIPTS.c.sha256 == _OUT.c.receipt_sha256))
        .where(in_window_out)
        .order_by(_OUT.c.id)
    )
    # The answers to the day's documents only: the window's document ids, then their statuses
    # (each document its sender's: another sender's of the same DocumentId answers nothing here).
    answers_query = (
        select(
            _STATUSES.c.sender,
            _STATUSES.c.document_id,
            _STATUSES.c.reporter,
            func.min(_STATUSES.c.recorded_at),
            func.max(case((_STATUSES.c.status_code == REFUSED, 1), else_=0)),
        )
        .where(
            _STATUSES.c.direction == Direction.IN.value,
            _STATUSES.c.document_id.in_(select(_OUT.c.document_id).where(in_window_out)),
        )
        .group_by(_STATUSES.c.sender, _STATUSES.c.document_id, _STATUSES.c.reporter)
    )
    received_query = (
        select(_IN.c.document_id, _IN.c.package_sha256, _IN.c.sender, _IN.c.recipient, _IN.c.received_at)
        .where(
            _IN.c.received_at >= start,
            _IN.c.received_at < end,
            _IN.c.kind == PackageKind.DOCUMENT.value,
        )
        .order_by(_IN.c.id)
    )
    issued_query = (
        select(_STATUSES.c.reporter, _STATUSES.c.status_code, func.count())
        .where(
            _STATUSES.c.direction == Direction.OUT.value,
            _STATUSES.c.recorded_at >= start,
            _STATUSES.c.recorded_at < end,
        )
        .group_by(_STATUSES.c.reporter, _STATUSES.c.status_code)
    )
    with database.transaction() as session:
        execute = session.connection().execute
        answers = {
            (sender, document_id, reporter): (first_at, bool(refused))
            for sender, document_id, reporter, first_at, refused in execute(answers_query)
        }
        sent = tuple(
            SentDelivery(
                document_id=document_id,
                package_sha256=package_sha256,
                sender=sender,
                recipient=recipient,
                sent_at=created_at,
                state=DeliveryState(state),
                delivered_at=receipt_at,
                first_status_at=answers.get((sender, document_id, recipient), (None, False))[0],
                refused_status=answers.get((sender, document_id, recipient), (None, False))[1],
            )
            for document_id, package_sha256, sender, recipient, created_at, state, receipt_at in execute(
                sent_query
            )
        )
        received = tuple(ReceivedDocument(*row) for row in execute(received_query))
        statuses = tuple((reporter, code, int(count)) for reporter, code, count in execute(issued_query))
    return DayActivity(sent, received, statuses)
