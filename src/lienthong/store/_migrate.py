"""Migrations run from code: no ``alembic.ini`` for users, the scripts ship in the package."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from lienthong._i18n import msg
from lienthong.errors import message_of
from lienthong.store._database import Database, translate_errors
from lienthong.store._errors import MigrationFailed, StoreError


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("lienthong.store") / "migrations"))
    return config


def head_revision() -> str:
    """The revision this code needs."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    with translate_errors(), database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(database: Database, *, revision: str = "head") -> str:
    """Bring the schema to ``revision`` (the latest by default); returns the revision reached.

    Runs in one transaction on the database's own connection, so PostgreSQL applies all or
    nothing and a ``search_path`` given in the URL decides the schema.
    """
    config = _config()
    try:
        with translate_errors(), database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except StoreError:
        raise
    except Exception as exc:  # alembic raises its own CommandError and plain exceptions
        raise MigrationFailed(msg("store-migration-failed", reason=message_of(exc))) from exc
    reached = current_revision(database)
    assert reached is not None
    return reached
