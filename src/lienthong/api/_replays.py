"""``StoredReplays``: the VXP replay memory in the node's database.

Every process serving a node shares it, so a signed request accepted by one is refused by all
(``ApiStore.remember_vxp_request``: insert-if-absent, atomic on SQLite and PostgreSQL). Each
request also forgets a bounded batch of expired ones, so the table stays the size of the
requests still held, and no request pays for a large purge.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lienthong.store import ApiStore, Database

#: Expired requests forgotten per request at most.
PURGE_BATCH = 64


class StoredReplays:
    """A ``lienthong.vxp.ReplayGuard`` kept in ``database()`` (read per request, as the node is)."""

    def __init__(self, database: Callable[[], Database], *, purge_batch: int = PURGE_BATCH) -> None:
        self._database = database
        self._purge_batch = purge_batch

    def first_time(self, systemid: str, mac: str, *, at: datetime, until: datetime) -> bool:
        with ApiStore.begin(self._database(), writer=True) as store:
            store.forget_vxp_requests(before=at, limit=self._purge_batch)
            return store.remember_vxp_request(systemid, mac, until=until)
