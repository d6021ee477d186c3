"""``Database``: an engine and its sessions, from a URL, on SQLite or PostgreSQL.

SQLite is the embedded default: each connection turns on WAL (readers do not block the writer),
foreign keys (off by default in SQLite) and a busy timeout (writers wait instead of failing).
A new SQLite file is made 0600 before SQLite opens it: SQLite gives its ``-wal`` and ``-shm``
the database file's mode, and a node's database holds secrets.
PostgreSQL is reached with ``postgresql+psycopg://``; a ``search_path`` may travel in the URL as
``?options=-csearch_path%3Dschema``, which is how tests isolate themselves in a schema.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
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
from lienthong.store._errors import DatabaseUnavailable, StoreConflict, StoreError

#: The database used when none is given: a file in the working directory.
DEFAULT_URL: Final = "sqlite:///./lienthong-directory.db"

#: Milliseconds a SQLite writer waits for another to finish before giving up.
_SQLITE_BUSY_MS: Final = 30_000


def _one_line(error: object) -> str:
    # Drivers write several lines (a hint, a caret); the CLI and logs get one.
    return " ".join(str(error).split())


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn SQLAlchemy's exceptions into the store's, most specific first, chained."""
    try:
        yield
    except IntegrityError as exc:
        raise StoreConflict(msg("store-conflict", detail=_one_line(exc.orig))) from exc
    except OperationalError as exc:
        raise DatabaseUnavailable(msg("store-database-unavailable", detail=_one_line(exc.orig))) from exc
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(msg("store-database-url-invalid", detail=_one_line(exc))) from exc
    except (DBAPIError, SQLAlchemyError) as exc:
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

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or one in memory."""
    try:
        parsed = make_url(url)
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
        parsed = make_url(url)
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
