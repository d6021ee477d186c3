"""The ``database_url`` fixture: each test on SQLite and on PostgreSQL, the same suite.

PostgreSQL is shared (parallel workers, other sessions): each test gets its own schema
``lt_<random>``, set as ``search_path`` in the URL, dropped afterwards. PostgreSQL being
unreachable is a failure, never a skip: CI has it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from lienthong.store import Database, migrate, open_database

#: The PostgreSQL server and database the suite uses (libpq form, for the admin connection).
POSTGRES = os.environ.get("LIENTHONG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

BACKENDS = ("sqlite", "postgresql")


def _postgres_schema_url(schema: str) -> str:
    base = POSTGRES.replace("postgresql://", "postgresql+psycopg://", 1)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    with empty_database_url(str(request.param), tmp_path) as url:
        yield url


@contextlib.contextmanager
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of ``backend`` (``sqlite``: a file under ``tmp_path``;
    ``postgresql``: a fresh schema, dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = f"lt_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(POSTGRES, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable (CI has it; start it): {exc}")
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield _postgres_schema_url(schema)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated database, closed after the test."""
    db = open_database(database_url)
    try:
        migrate(db)
        yield db
    finally:
        db.close()
