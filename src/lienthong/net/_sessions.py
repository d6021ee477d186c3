"""Browser sessions for the web pages (portal, console): in memory, expiring, with CSRF tokens.

A restart logs everyone out; a session ends after its lifetime. Each carries a CSRF token its
forms post back, compared in constant time. The cookie policy (``Secure``, ``HttpOnly``,
``SameSite=Strict``) is the pages' to set.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

__all__ = ["Session", "SessionStore", "same_token"]

P = TypeVar("P")


def same_token(expected: str | None, given: str | None) -> bool:
    """Both present and equal, compared in constant time."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


@dataclass(frozen=True, slots=True)
class Session(Generic[P]):
    """Who is logged in, the form token, and when the session ends."""

    principal: P
    csrf: str
    expires_at: datetime

    def check_csrf(self, token: str | None) -> bool:
        return same_token(self.csrf, token)


class SessionStore(Generic[P]):
    """Open sessions by id. Safe to share between threads."""

    def __init__(self, *, clock: Callable[[], datetime], lifetime: timedelta = timedelta(hours=8)) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self._lock = threading.Lock()
        self._open: dict[str, Session[P]] = {}

    def open(self, principal: P) -> tuple[str, Session[P]]:
        now = self._clock()
        session = Session(principal, secrets.token_urlsafe(24), now + self._lifetime)
        identifier = secrets.token_urlsafe(32)
        with self._lock:
            self._open = {k: s for k, s in self._open.items() if s.expires_at > now}
            self._open[identifier] = session
        return identifier, session

    def get(self, identifier: str | None) -> Session[P] | None:
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
