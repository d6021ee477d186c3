"""Alembic environment: runs on the connection ``lienthong.store.migrate`` hands over.

Users need no ``alembic.ini``: the store builds the configuration in code. A developer can still
run ``alembic`` by giving ``sqlalchemy.url``; then this file opens its own connection.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from lienthong.store._rows import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("lienthong migrations run online only")
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url given")
    with create_engine(url).begin() as own:
        _run(own)


_main()
