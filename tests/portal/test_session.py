"""Portal sessions live in the directory's database: a session opened by one directory process is
served by another with the same admin and scopes, and a logout on one ends it on both."""

from __future__ import annotations

from datetime import UTC, datetime

from lienthong.directory import Admin, Scope
from lienthong.portal._session import Sessions, database_sessions, decode_admin
from lienthong.store import Database

AT = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)


def test_a_portal_session_is_served_by_every_process_and_ended_by_any(database: Database) -> None:
    admin = Admin("root", frozenset({Scope.AGENCIES_WRITE, Scope.AUDIT_READ}), AT)
    first, second = (Sessions(clock=lambda: AT, backend=database_sessions(database)) for _ in range(2))
    identifier, opened = first.open(admin)
    seen = second.get(identifier)
    assert seen is not None and seen.principal == admin and seen.csrf == opened.csrf
    second.close(identifier)
    assert first.get(identifier) is None


def test_a_session_from_another_version_is_no_session() -> None:
    assert decode_admin('{"name": "root"}') is None
    assert decode_admin("not json") is None
