"""Serving processes and a blob migration kept apart by a PostgreSQL advisory lock.

Every ``node serve`` of a node on PostgreSQL holds the lock shared for its life (any number of
processes, on any host, share it); ``node blobs migrate`` takes it exclusively, so it refuses to
run while any process of the node serves, and a process refuses to start while it runs. A
killed holder's connection closes and the server releases its lock. On SQLite (filesystem blobs
only, nothing to migrate) there is no lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Final

from sqlalchemy import ColumnElement, func, select

from lienthong._i18n import Message, msg
from lienthong.store._database import Database, translate_errors
from lienthong.store._errors import StoreError

#: The advisory lock's first key ("ltb\x01"; any fixed number would do); the second is the hash
#: of the schema, so nodes (and test runs) sharing one PostgreSQL database in different schemas
#: never hold each other's lock.
_CLASS: Final = 0x6C74_6201


class BlobsBusy(StoreError):
    """The blobs are in use: by serving processes (for a migration) or by a migration."""


@contextlib.contextmanager
def serving_blobs(database: Database) -> Iterator[None]:
    """Hold the node's blobs as a serving process does (shared); ``BlobsBusy`` while a blob
    migration runs."""
    with _held(database, shared=True, busy=lambda: msg("store-blobs-migrating")):
        yield


@contextlib.contextmanager
def migrating_blobs(database: Database) -> Iterator[None]:
    """Hold the node's blobs alone, for a migration; ``BlobsBusy`` while any process serves."""
    with _held(database, shared=False, busy=lambda: msg("store-blobs-serving")):
        yield


@contextlib.contextmanager
def _held(database: Database, *, shared: bool, busy: Callable[[], Message]) -> Iterator[None]:
    if database.dialect != "postgresql":
        yield
        return
    take = func.pg_try_advisory_lock_shared if shared else func.pg_try_advisory_lock
    release = func.pg_advisory_unlock_shared if shared else func.pg_advisory_unlock
    with translate_errors():
        connection = database.engine.connect()
    try:
        with translate_errors():
            taken = bool(connection.execute(select(take(_CLASS, _schema()))).scalar())
            connection.commit()  # the lock belongs to the session: no transaction stays open
        if not taken:
            raise BlobsBusy(busy())
        try:
            yield
        finally:
            # Released before the connection goes back to the pool (a pooled session keeps it).
            with contextlib.suppress(StoreError), translate_errors():
                connection.execute(select(release(_CLASS, _schema())))
                connection.commit()
    finally:
        connection.close()


def _schema() -> ColumnElement[int]:
    return func.hashtext(func.current_schema())
