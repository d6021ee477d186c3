"""Web sessions in the database (both backends): every store on the database sees a session one
opened, a close ends it for all, expired sessions are gone, and the table holds no usable cookie."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from lienthong.net import SessionStore, session_key
from lienthong.store import Database, DatabaseSessions

T0 = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


def _store(database: Database, now: list[datetime], scope: str = "console") -> SessionStore[str]:
    backend = DatabaseSessions(database, scope=scope, encode=str, decode=lambda s: s or None)
    return SessionStore(clock=lambda: now[0], lifetime=timedelta(hours=8), backend=backend)


def test_a_session_opened_by_one_process_is_known_and_closed_by_another(database: Database) -> None:
    now = [T0]
    first, second = _store(database, now), _store(database, now)
    identifier, opened = first.open("lan")
    seen = second.get(identifier)
    assert seen is not None
    assert (seen.principal, seen.csrf, seen.expires_at) == ("lan", opened.csrf, T0 + timedelta(hours=8))
    assert seen.check_csrf(opened.csrf)
    assert second.get(identifier + "x") is None
    assert _store(database, now, scope="portal").get(identifier) is None, "another scope's session"

    second.close(identifier)  # a logout on one process
    assert first.get(identifier) is None


def test_sessions_expire_and_are_forgotten(database: Database) -> None:
    now = [T0]
    store = _store(database, now)
    old, _ = store.open("lan")
    now[0] += timedelta(hours=8)
    assert store.get(old) is None
    fresh, _ = store.open("minh")  # opening forgets the expired
    with database.engine.connect() as connection:
        keys = [row[0] for row in connection.execute(text("SELECT key FROM web_sessions"))]
    assert keys == [session_key(fresh)], "the table holds the cookie's digest, and only live sessions"
    assert fresh not in keys


def test_a_principal_that_no_longer_decodes_is_no_session(database: Database) -> None:
    now = [T0]
    identifier, _ = _store(database, now).open("")  # decodes to None
    assert _store(database, now).get(identifier) is None
