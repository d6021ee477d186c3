"""Alembic migrations of the lienthong database, run by ``lienthong.store.migrate``."""
