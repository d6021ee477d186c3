"""``Database``: an engine and its sessions, from a URL, on SQLite or PostgreSQL.

SQLite is the embedded default: each connection turns on WAL (readers do not block the writer),
foreign keys (off by default in SQLite) and a busy timeout (writers wait instead of failing).
A new SQLite file is made 0600 before SQLite opens it: SQLite gives its ``-wal`` and ``-shm``
the database file's mode, and a node's database holds secrets.
PostgreSQL is reached with ``postgresql+psycopg://``; a ``search_path`` may travel in the URL as
``?options=-csearch_path%3Dschema``, which is how tests isolate themselves in a schema.
Several servers (a primary and its standbys) may be named as libpq does,
``postgresql+psycopg://h1:5432,h2:5433/db?target_session_attrs=read-write``, or as SQLAlchemy
does, ``…/db?host=h1,h2&port=5432,5433``: the first form is rewritten into the second, which
SQLAlchemy hands to libpq whole, so libpq picks the server that accepts writes.

An error that says the server went away or switched roles (connection lost, shutting down,
recovering, a read-only transaction after a failover) is ``DatabaseInterrupted``: the
transaction did not commit, or its commit was not confirmed (see ``lienthong.store.replay``).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from lienthong._i18n import msg
from lienthong.store._errors import DatabaseInterrupted, DatabaseUnavailable, StoreConflict, StoreError

#: The database used when none is given: a file in the working directory.
DEFAULT_URL: Final = "sqlite:///./lienthong-directory.db"

#: Milliseconds a SQLite writer waits for another to finish before giving up.
_SQLITE_BUSY_MS: Final = 30_000


#: SQLSTATEs of a server going away or changing role: admin_shutdown, crash_shutdown,
#: cannot_connect_now (starting up, recovering), read_only_sql_transaction (a standby, or a
#: demoted primary); class 08 (connection exceptions) is matched by its prefix.
_INTERRUPTED_STATES: Final = frozenset({"57P01", "57P02", "57P03", "25006"})
#: ``scheme://[user[:password]@]host[:port],host[:port]…/rest``: libpq's multi-host form.
_MULTIHOST = re.compile(
    r"^(?P<scheme>[^:/]+://)(?P<user>[^@/]*@)?(?P<hosts>[^/?@]*,[^/?@]*)(?P<rest>[/?].*)?$"
)


def _one_line(error: object) -> str:
    # Drivers write several lines (a hint, a caret); the CLI and logs get one.
    return " ".join(str(error).split())


def _interrupted(exc: DBAPIError) -> bool:
    """Whether the server went away or changed role (PostgreSQL only: SQLite has no failover)."""
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", False)  # psycopg's errors carry it, None when unknown
    if state is False:
        return False
    if state is None:  # libpq lost the connection or could not open one
        return isinstance(exc, OperationalError)
    return str(state).startswith("08") or state in _INTERRUPTED_STATES


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn SQLAlchemy's exceptions into the store's, most specific first, chained."""
    try:
        yield
    except IntegrityError as exc:
        raise StoreConflict(msg("store-conflict", detail=_one_line(exc.orig))) from exc
    except DBAPIError as exc:
        if _interrupted(exc):
            raise DatabaseInterrupted(msg("store-database-interrupted", detail=_one_line(exc.orig))) from exc
        if isinstance(exc, OperationalError):
            raise DatabaseUnavailable(msg("store-database-unavailable", detail=_one_line(exc.orig))) from exc
        raise StoreError(msg("store-database-error", detail=_one_line(exc))) from exc
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(msg("store-database-url-invalid", detail=_one_line(exc))) from exc
    except SQLAlchemyError as exc:
        raise StoreError(msg("store-database-error", detail=_one_line(exc))) from exc


class Database:
    """One database: its engine and a factory of sessions. Close it when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def url(self) -> str:
        """The URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with translate_errors(), self._sessions() as session, session.begin():
            yield session

    def reset(self) -> None:
        """Close the pooled connections: the next transaction connects afresh (after a failover
        a pooled connection may still reach the old primary, now gone or read-only)."""
        self.engine.dispose()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def parse_url(url: str) -> URL:
    """``url`` parsed; libpq's multi-host form (``h1:p1,h2:p2``) becomes SQLAlchemy's
    ``?host=h1,h2&port=p1,p2``. Raises ``ArgumentError`` for a URL SQLAlchemy cannot read."""
    found = _MULTIHOST.match(url)
    if found is not None:
        hosts, ports = zip(*(_host_port(part) for part in found["hosts"].split(",")), strict=True)
        rest = found["rest"] or "/"
        path, _, query = rest.partition("?")
        pairs = [f"host={','.join(hosts)}", *([f"port={','.join(ports)}"] if any(ports) else [])]
        url = f"{found['scheme']}{found['user'] or ''}{path}?{'&'.join([*pairs, *filter(None, [query])])}"
    try:
        return make_url(url)
    except ValueError as exc:  # a port that is not a number
        raise ArgumentError(str(exc)) from exc


def _host_port(part: str) -> tuple[str, str]:
    if part.startswith("["):  # [IPv6]:port
        host, _, port = part[1:].partition("]")
        return host, port.removeprefix(":")
    host, _, port = part.partition(":")
    return host, port


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or one in memory."""
    try:
        parsed = parse_url(url)
    except ArgumentError:
        return None
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def sqlite_files(url: str) -> list[Path]:
    """A SQLite database's file with its write-ahead log and shared memory (empty otherwise)."""
    found = sqlite_file(url)
    return [] if found is None else [found, Path(f"{found}-wal"), Path(f"{found}-shm")]


def _create_private(path: Path) -> None:
    # O_EXCL: an existing database keeps its mode (a start checks it and says how to fix it).
    with contextlib.suppress(FileExistsError, FileNotFoundError):  # SQLite reports a missing folder
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def open_database(url: str = DEFAULT_URL, *, echo: bool = False) -> Database:
    """The database at ``url``; no table is created until migrations run (see ``migrate``), but a
    new SQLite file is, empty and private."""
    with translate_errors():
        parsed = parse_url(url)
        options: dict[str, Any] = {"echo": echo, "future": True}
        if parsed.get_backend_name() == "sqlite":
            options["connect_args"] = {"timeout": _SQLITE_BUSY_MS / 1000}
            file = sqlite_file(url)
            if file is not None:
                _create_private(file)
        else:
            options["pool_pre_ping"] = True
        engine = create_engine(parsed, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return Database(engine)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
    finally:
        cursor.close()
