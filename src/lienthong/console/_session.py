"""Console logins: sessions in memory, each with a CSRF token its forms post back.

A restart logs everyone out; a session ends after ``LIFETIME``. The cookie is ``Secure``,
``HttpOnly``, ``SameSite=Strict``, limited to the console's path. The login form, posted before
any session exists, is protected by a double-submit token (cookie plus hidden field).
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from lienthong.console._users import ConsoleUser

SESSION_COOKIE: Final = "lt_console_session"
LOGIN_COOKIE: Final = "lt_console_login"
LIFETIME: Final = timedelta(hours=8)


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


@dataclass(frozen=True, slots=True)
class Session:
    user: ConsoleUser
    csrf: str
    expires_at: datetime

    def check_csrf(self, token: str | None) -> bool:
        return same_token(self.csrf, token)


class Sessions:
    """Open sessions by id. Safe to share between threads."""

    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._open: dict[str, Session] = {}

    def open(self, user: ConsoleUser) -> tuple[str, Session]:
        now = self._clock()
        session = Session(user, secrets.token_urlsafe(24), now + LIFETIME)
        identifier = secrets.token_urlsafe(32)
        with self._lock:
            self._open = {k: s for k, s in self._open.items() if s.expires_at > now}
            self._open[identifier] = session
        return identifier, session

    def get(self, identifier: str | None) -> Session | None:
        if not identifier:
            return None
        with self._lock:
            session = self._open.get(identifier)
        if session is None or session.expires_at <= self._clock():
            return None
        return session

    def close(self, identifier: str | None) -> None:
        with self._lock:
            self._open.pop(identifier or "", None)
