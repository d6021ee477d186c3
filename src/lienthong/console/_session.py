"""Console logins: sessions in the node's database, each with a CSRF token its forms post back.

Every process sharing the node's database knows every session (a load balancer may send each
request to another process) and a logout ends it everywhere; a restart logs no one out. A
session ends after eight hours. The cookie is ``Secure``, ``HttpOnly``, ``SameSite=Strict``,
limited to the console's path. The login form, posted before any session exists, is protected by
a double-submit token (cookie plus hidden field).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Final

from lienthong.console._users import ConsoleUser, Role
from lienthong.net import Session as _Session
from lienthong.net import SessionStore, same_token
from lienthong.store import Database, DatabaseSessions

SESSION_COOKIE: Final = "lt_console_session"
LOGIN_COOKIE: Final = "lt_console_login"
#: The console's sessions in the shared table.
SCOPE: Final = "console"


Session = _Session[ConsoleUser]
Sessions = SessionStore[ConsoleUser]


def encode_user(user: ConsoleUser) -> str:
    """What a session keeps of its user: enough to serve pages without a look at the users file;
    the stamp is checked against the file at each request (``UserFile.still``)."""
    return json.dumps(
        {
            "name": user.name,
            "roles": sorted(role.value for role in user.roles),
            "codes": list(user.codes),
            "stamp": user.stamp,
            "full_name": user.full_name,
            "position": user.position,
        },
        ensure_ascii=False,
    )


def decode_user(text: str) -> ConsoleUser | None:
    """The user ``encode_user`` wrote; None when it no longer reads (a session from another version)."""
    try:
        data = json.loads(text)
        return ConsoleUser(
            str(data["name"]),
            frozenset(Role(role) for role in data["roles"]),
            tuple(str(code) for code in data["codes"]),
            stamp=str(data["stamp"]),
            full_name=str(data.get("full_name", "")),
            position=str(data.get("position", "")),
        )
    except (ValueError, KeyError, TypeError):
        return None


def database_sessions(database: Callable[[], Database]) -> DatabaseSessions[ConsoleUser]:
    """The console's sessions in the node's database."""
    return DatabaseSessions(database, scope=SCOPE, encode=encode_user, decode=decode_user)


__all__ = [
    "LOGIN_COOKIE",
    "SCOPE",
    "SESSION_COOKIE",
    "Session",
    "Sessions",
    "database_sessions",
    "decode_user",
    "encode_user",
    "same_token",
]
