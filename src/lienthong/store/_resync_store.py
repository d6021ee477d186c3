"""``ResyncStore``: what a node reads and changes when a restored peer asks it to resynchronise.

A peer restored from a backup lost what arrived after the backup. Two questions come from it:
which packages delivered to it since then must go again (``delivered_codes_since``, then
``requeue_delivered``: DELIVERED rows back to QUEUED, so the delivery worker sends them as any
other; the peer's inbox stores a message once, whatever comes twice) and which of its own
messages this node holds since then (``senders_since``, ``held_since``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, distinct, or_, select, update
from sqlalchemy.orm import Session

from lienthong.store._database import Database
from lienthong.store._node_entries import DeliveryState, InboxEntry
from lienthong.store._node_rows import InboxRow, OutboxRow, ReceiptRow
from lienthong.store._node_store import _inbox, _writer_lock

_OUT = cast(Table, OutboxRow.__table__)
_IN = cast(Table, InboxRow.__table__)
_RECEIPTS = cast(Table, ReceiptRow.__table__)


def _delivered_since(after: datetime) -> object:
    """DELIVERED rows created, or whose receipt came back, at or after ``after``: a row queued
    before the backup and delivered after it is missing at the peer too."""
    receipt_at = select(_RECEIPTS.c.at).where(_RECEIPTS.c.sha256 == _OUT.c.receipt_sha256).scalar_subquery()
    return and_(
        _OUT.c.state == DeliveryState.DELIVERED.value,
        or_(_OUT.c.created_at >= after, receipt_at >= after),
    )


class ResyncStore:
    """The resync's reads and its one write, in one transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database, *, write: bool = False) -> Iterator[ResyncStore]:
        with contextlib.ExitStack() as stack:
            if write and database.dialect == "sqlite":
                stack.enter_context(_writer_lock(database))  # as NodeStore's writers do
            yield cls(stack.enter_context(database.transaction()))

    def delivered_codes_since(self, after: datetime) -> set[str]:
        """The codes delivered to (``deliver_to``) by rows delivered since ``after``."""
        query = select(distinct(_OUT.c.deliver_to)).where(_delivered_since(after))  # type: ignore[arg-type]
        return {str(code) for code in self._session.scalars(query)}

    def requeue_delivered(
        self, codes: Collection[str], *, after: datetime, now: datetime, deadline: datetime
    ) -> int:
        """Send again, from ``now``, the rows delivered to ``codes`` since ``after``; how many.
        Their deadline becomes ``deadline``: the one they had was met once already."""
        if not codes:
            return 0
        statement = (
            update(_OUT)
            .where(_delivered_since(after), _OUT.c.deliver_to.in_(list(codes)))  # type: ignore[arg-type]
            .values(
                state=DeliveryState.QUEUED.value,
                next_attempt_at=now,
                deadline=deadline,
                lease_until=None,
                claim_token=None,
            )
        )
        return int(self._session.connection().execute(statement).rowcount)

    def senders_since(self, after: datetime) -> set[str]:
        """The senders of what arrived since ``after``."""
        query = select(distinct(_IN.c.sender)).where(_IN.c.received_at >= after)
        return {str(code) for code in self._session.scalars(query)}

    def held_since(
        self, senders: Collection[str], *, after: datetime, cursor: int, limit: int
    ) -> list[tuple[int, InboxEntry]]:
        """Up to ``limit`` inbox rows from ``senders`` received since ``after``, past row
        ``cursor``, in row order, each with its row id (the next page's cursor)."""
        if not senders:
            return []
        query = (
            select(_IN)
            .where(_IN.c.received_at >= after, _IN.c.sender.in_(list(senders)), _IN.c.id > cursor)
            .order_by(_IN.c.id)
            .limit(limit)
        )
        return [(int(row["id"]), _inbox(row)) for row in self._session.execute(query).mappings()]

    def known_documents(self, senders: Collection[str], document_ids: Collection[str]) -> set[str]:
        """Those of ``document_ids`` the outbox holds from one of ``senders``."""
        if not senders or not document_ids:
            return set()
        query = select(distinct(_OUT.c.document_id)).where(
            _OUT.c.sender.in_(list(senders)), _OUT.c.document_id.in_(list(document_ids))
        )
        return {str(value) for value in self._session.scalars(query)}
