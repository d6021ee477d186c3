"""Portal logins: an admin pastes their bearer token once; the portal gives a session cookie.

Sessions live in memory (a restart logs everyone out), expire after ``LIFETIME``, and carry a
CSRF token every form posts back. The cookie is ``Secure``, ``HttpOnly``, ``SameSite=Strict``.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from lienthong.directory import Admin

SESSION_COOKIE: Final = "lt_portal_session"
LIFETIME: Final = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class Session:
    admin: Admin
    csrf: str
    expires_at: datetime

    def check_csrf(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(self.csrf, token)


class Sessions:
    """Open sessions by id. Safe to share between threads."""

    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._open: dict[str, Session] = {}

    def open(self, admin: Admin) -> tuple[str, Session]:
        now = self._clock()
        session = Session(admin, secrets.token_urlsafe(24), now + LIFETIME)
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
