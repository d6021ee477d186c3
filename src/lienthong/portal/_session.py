"""Portal logins: an admin pastes their bearer token once; the portal gives a session cookie.

Sessions live in the directory's database (``lienthong.store.DatabaseSessions``): every process
of a replicated directory serves them, and a logout ends them everywhere.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Final

from lienthong.directory import Admin, Scope
from lienthong.net import Session as _Session
from lienthong.net import SessionStore
from lienthong.store import Database, DatabaseSessions

SESSION_COOKIE: Final = "lt_portal_session"
#: The portal's sessions in the shared table.
SCOPE: Final = "portal"

Session = _Session[Admin]
Sessions = SessionStore[Admin]


def encode_admin(admin: Admin) -> str:
    scopes = sorted(scope.value for scope in admin.scopes)
    return json.dumps({"name": admin.name, "scopes": scopes, "created_at": admin.created_at.isoformat()})


def decode_admin(text: str) -> Admin | None:
    """The admin ``encode_admin`` wrote; None when it no longer reads."""
    try:
        data = json.loads(text)
        scopes = frozenset(Scope(scope) for scope in data["scopes"])
        return Admin(str(data["name"]), scopes, datetime.fromisoformat(data["created_at"]))
    except (ValueError, KeyError, TypeError):
        return None


def database_sessions(database: Database) -> DatabaseSessions[Admin]:
    """The portal's sessions in the directory's database."""
    return DatabaseSessions(database, scope=SCOPE, encode=encode_admin, decode=decode_admin)
