"""What a balancer's readiness check and a metrics scrape ask of a node's database, cheaply.

``check_writable``: a write statement runs and is rolled back. ``UPDATE … WHERE false`` changes
no row and takes no row lock, yet PostgreSQL refuses it on a standby or in a read-only
transaction, and SQLite takes (and at once gives back) its write lock for it, so a read-only
file or a database locked for longer than its busy timeout shows.

``outbox_summary``: the outbox by delivery state with its oldest entry not yet settled, in one
grouped query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, false, func, select, update

from lienthong.store._database import Database
from lienthong.store._node_entries import DeliveryState
from lienthong.store._node_rows import LogHeadRow, OutboxRow

_HEAD = cast(Table, LogHeadRow.__table__)
_OUT = cast(Table, OutboxRow.__table__)
_NOTHING_WRITTEN = update(_HEAD).where(false()).values(seq=_HEAD.c.seq)
_BY_STATE = select(_OUT.c.state, func.count(), func.min(_OUT.c.created_at)).group_by(_OUT.c.state)


def check_writable(database: Database) -> None:
    """Raise ``StoreError`` (``DatabaseUnavailable`` when unreachable) unless ``database`` takes
    a write; nothing is written."""
    with database.transaction() as session:
        session.connection().execute(_NOTHING_WRITTEN)
        session.rollback()


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    """The outbox at one moment."""

    #: Entries in each state (every state present, 0 when none).
    counts: Mapping[DeliveryState, int]
    #: When the oldest entry still to be delivered (queued or sending) was queued; None: none.
    oldest_pending: datetime | None


def outbox_summary(database: Database) -> OutboxSummary:
    """The outbox by state, one grouped query (read only)."""
    counts = dict.fromkeys(DeliveryState, 0)
    oldest: datetime | None = None
    with database.transaction() as session:
        for state, count, first in session.connection().execute(_BY_STATE):
            counts[DeliveryState(state)] = int(count)
            if not DeliveryState(state).final and first is not None:
                oldest = first if oldest is None else min(oldest, first)
    return OutboxSummary(counts, oldest)
