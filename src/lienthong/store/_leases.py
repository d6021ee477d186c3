"""``Lease``: a job that must run in one process at a time, among all the processes sharing a
node's database (statistics reports, archive or purge jobs).

A lease is a row named after the job: who holds it and until when. ``hold()`` takes it when it
is free or expired, renews it when this holder has it, and answers whether the caller holds it
now; a job calls it before each round (the heartbeat) and works only on True. A holder that dies
(``kill -9``, a lost host) stops renewing: once its lease has expired another process's next
``hold()`` takes it over. ``release()`` lets go at once (a clean stop).

A row rather than a PostgreSQL advisory lock: it works the same on SQLite and PostgreSQL; it does
not depend on one connection staying open (a pooled connection may be returned or replaced, and
a connection hung in a stuck process holds an advisory lock forever, where a lease expires); and
who holds what is readable (``Lease.holder``). The price: takeover waits for the expiry, and the
hosts' clocks must agree within a small part of ``ttl`` (keep them on NTP).

    lease = Lease(database, "archive", ttl=timedelta(minutes=2))
    if lease.hold():       # each round, before the work; the work takes less than ttl
        archive_some()
    lease.release()        # on stopping
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete, insert, select, update

from lienthong._clock import Clock, utc_now
from lienthong.store._coordination_rows import HOLDER_LENGTH, LEASE_NAME_LENGTH, LeaseRow
from lienthong.store._database import Database
from lienthong.store._errors import StoreConflict

_LEASES = cast(Table, LeaseRow.__table__)


def process_holder() -> str:
    """A name for this process among all the node's: host, process id, and a random part (a
    restarted process with the same id is another holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"[-HOLDER_LENGTH:]


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    """Who holds a lease, since when and until when."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime


class Lease:
    """One named lease as seen by one holder (see the module's docstring). Thread-safe: each
    call is its own transaction."""

    def __init__(
        self,
        database: Database,
        name: str,
        *,
        ttl: timedelta,
        holder: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if not 0 < len(name) <= LEASE_NAME_LENGTH:
            raise ValueError(f"a lease name has 1 to {LEASE_NAME_LENGTH} characters")
        if ttl <= timedelta(0):
            raise ValueError("a lease lasts a positive time")
        self.database = database
        self.name = name
        self.ttl = ttl
        self.holder = holder or process_holder()
        self._clock = clock

    def hold(self) -> bool:
        """Take the lease if free or expired, renew it if ours; whether we hold it now (until
        ``ttl`` from now)."""
        now = self._clock()
        until = now + self.ttl
        with self.database.transaction() as session:
            renewed = session.execute(
                update(_LEASES)
                .where(_LEASES.c.name == self.name, _LEASES.c.holder == self.holder)
                .values(expires_at=until)
            )
            if getattr(renewed, "rowcount", 0) == 1:
                return True
            # Expired: taken over. On PostgreSQL a concurrent taker waits for ours to commit, then
            # finds the row no longer expired: one of them wins.
            taken = session.execute(
                update(_LEASES)
                .where(_LEASES.c.name == self.name, _LEASES.c.expires_at <= now)
                .values(holder=self.holder, acquired_at=now, expires_at=until)
            )
            if getattr(taken, "rowcount", 0) == 1:
                return True
            if session.execute(select(_LEASES.c.name).where(_LEASES.c.name == self.name)).first():
                return False  # held by another, not expired
        try:  # never taken yet: the first insert wins, the others find a conflict
            with self.database.transaction() as session:
                row = {"name": self.name, "holder": self.holder, "acquired_at": now, "expires_at": until}
                session.execute(insert(_LEASES).values(**row))
        except StoreConflict:
            return False
        return True

    def release(self) -> None:
        """Let go of the lease if we hold it: another process may take it at once."""
        with self.database.transaction() as session:
            mine = (_LEASES.c.name == self.name, _LEASES.c.holder == self.holder)
            session.execute(delete(_LEASES).where(*mine))

    def current(self) -> LeaseHolder | None:
        """Who holds the lease (perhaps expired), or None when nobody ever took it or it was released."""
        return lease_holder(self.database, self.name)


def lease_holder(database: Database, name: str) -> LeaseHolder | None:
    """The row of lease ``name``: who held it last and until when (None: never taken, or released)."""
    with database.transaction() as session:
        row = session.execute(select(_LEASES).where(_LEASES.c.name == name)).first()
    if row is None:
        return None
    return LeaseHolder(row.name, row.holder, row.acquired_at, row.expires_at)
