"""Browser sessions for the web pages (portal, console): expiring, with CSRF tokens.

Where open sessions are kept is a ``SessionBackend``: ``MemorySessions`` by default (a restart
logs everyone out), or one a layer above passes in (``lienthong.store.DatabaseSessions``, so that
every process sharing a node's database knows every session, and a logout ends it everywhere).
A backend is given the SHA-256 of the session id, never the id: the cookie is the only copy.
A session ends after its lifetime. Each carries a CSRF token its forms post back, compared in
constant time. The cookie policy (``Secure``, ``HttpOnly``, ``SameSite=Strict``) is the pages' to set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

__all__ = ["MemorySessions", "Session", "SessionBackend", "SessionStore", "same_token", "session_key"]

P = TypeVar("P")


def same_token(expected: str | None, given: str | None) -> bool:
    """Both present and equal, compared in constant time."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def session_key(identifier: str) -> str:
    """What a backend knows a session by: the SHA-256 (hex) of its id."""
    return hashlib.sha256(identifier.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Session(Generic[P]):
    """Who is logged in, the form token, and when the session ends."""

    principal: P
    csrf: str
    expires_at: datetime

    def check_csrf(self, token: str | None) -> bool:
        return same_token(self.csrf, token)


class SessionBackend(Protocol[P]):
    """Where open sessions are kept, by key (``session_key``)."""

    def save(self, key: str, session: Session[P], *, now: datetime) -> None:
        """Keep ``session`` under ``key``; sessions expired at ``now`` may be forgotten."""
        ...

    def load(self, key: str, *, now: datetime) -> Session[P] | None:
        """The session under ``key``, None when there is none or it has expired at ``now``."""
        ...

    def delete(self, key: str) -> None: ...


class MemorySessions(Generic[P]):
    """Sessions in this process's memory. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, Session[P]] = {}

    def save(self, key: str, session: Session[P], *, now: datetime) -> None:
        with self._lock:
            self._open = {k: s for k, s in self._open.items() if s.expires_at > now}
            self._open[key] = session

    def load(self, key: str, *, now: datetime) -> Session[P] | None:
        with self._lock:
            session = self._open.get(key)
        return session if session is not None and session.expires_at > now else None

    def delete(self, key: str) -> None:
        with self._lock:
            self._open.pop(key, None)


class SessionStore(Generic[P]):
    """Open sessions by id, kept by ``backend`` (in memory when not given)."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        lifetime: timedelta = timedelta(hours=8),
        backend: SessionBackend[P] | None = None,
    ) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self._backend: SessionBackend[P] = backend if backend is not None else MemorySessions()

    def open(self, principal: P) -> tuple[str, Session[P]]:
        now = self._clock()
        session = Session(principal, secrets.token_urlsafe(24), now + self._lifetime)
        identifier = secrets.token_urlsafe(32)
        self._backend.save(session_key(identifier), session, now=now)
        return identifier, session

    def get(self, identifier: str | None) -> Session[P] | None:
        if not identifier:
            return None
        return self._backend.load(session_key(identifier), now=self._clock())

    def close(self, identifier: str | None) -> None:
        if identifier:
            self._backend.delete(session_key(identifier))
