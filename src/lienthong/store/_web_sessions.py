"""``DatabaseSessions``: the web pages' open sessions in the node's database, so that every
process sharing it knows them (a request may land on any process behind a load balancer) and a
logout, or a user's removal, ends a session everywhere at once.

A ``lienthong.net.SessionBackend``. Rows are known by the SHA-256 of the cookie (a copy of the
table opens no session) and carry the scope (``console``, ``portal``): a backend reads only its
own. The principal is kept as the text the pages encode it to (``encode``/``decode`` are theirs:
the store knows nothing of users); one that no longer decodes is no session. Expired rows are
deleted as new sessions open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Generic, TypeVar, cast

from sqlalchemy import Table, delete, insert, select

from lienthong.net import Session
from lienthong.store._coordination_rows import WebSessionRow
from lienthong.store._database import Database

_SESSIONS = cast(Table, WebSessionRow.__table__)

P = TypeVar("P")


class DatabaseSessions(Generic[P]):
    """Sessions of one ``scope`` in ``database`` (see the module's docstring)."""

    def __init__(
        self,
        database: Database | Callable[[], Database],
        *,
        scope: str,
        encode: Callable[[P], str],
        decode: Callable[[str], P | None],
    ) -> None:
        self._database = database if callable(database) else (lambda: database)
        self._scope = scope
        self._encode, self._decode = encode, decode

    def save(self, key: str, session: Session[P], *, now: datetime) -> None:
        with self._database().transaction() as db:
            db.execute(delete(_SESSIONS).where(_SESSIONS.c.expires_at <= now))
            db.execute(
                insert(_SESSIONS).values(
                    key=key,
                    scope=self._scope,
                    principal=self._encode(session.principal),
                    csrf=session.csrf,
                    created_at=now,
                    expires_at=session.expires_at,
                )
            )

    def load(self, key: str, *, now: datetime) -> Session[P] | None:
        query = select(_SESSIONS).where(
            _SESSIONS.c.key == key, _SESSIONS.c.scope == self._scope, _SESSIONS.c.expires_at > now
        )
        with self._database().transaction() as db:
            row = db.execute(query).first()
        if row is None:
            return None
        principal = self._decode(row.principal)
        return None if principal is None else Session(principal, row.csrf, row.expires_at)

    def delete(self, key: str) -> None:
        with self._database().transaction() as db:
            db.execute(delete(_SESSIONS).where(_SESSIONS.c.key == key, _SESSIONS.c.scope == self._scope))
