"""``LoginStore``: the console's login attempts and lockouts, in the node's database.

Kept in the database, not in memory, so every node process sharing it sees the same counts and
lockouts, and a restart forgives nothing. Both tables are append-only: concurrent attempts only
ever insert, and counts are queries over a time range (indexed by name or address, then time).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select
from sqlalchemy.orm import Session

from lienthong.store._database import Database
from lienthong.store._login_entries import Lockout, LockoutKind, LoginAttempt, LoginOutcome
from lienthong.store._login_rows import ADDRESS_LENGTH, NAME_LENGTH, ConsoleLockoutRow, ConsoleLoginAttemptRow

_ATTEMPTS = cast(Table, ConsoleLoginAttemptRow.__table__)
_LOCKOUTS = cast(Table, ConsoleLockoutRow.__table__)


def _who(kind: LockoutKind, subject: str) -> ColumnElement[bool]:
    column = _ATTEMPTS.c.user_name if kind is LockoutKind.USER else _ATTEMPTS.c.address
    return column == _cut(kind, subject)


def _cut(kind: LockoutKind, subject: str) -> str:
    return subject[: NAME_LENGTH if kind is LockoutKind.USER else ADDRESS_LENGTH]


def _lockout(kind: LockoutKind, subject: str) -> ColumnElement[bool]:
    return and_(_LOCKOUTS.c.kind == kind.value, _LOCKOUTS.c.subject == _cut(kind, subject))


class LoginStore:
    """Login attempts and lockouts in one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    @contextlib.contextmanager
    def begin(cls, database: Database) -> Iterator[LoginStore]:
        with database.transaction() as session:
            yield cls(session)

    def locked_until(self, *, user: str, address: str, now: datetime) -> datetime | None:
        """When the latest lockout of ``user`` or of ``address`` in force at ``now`` ends."""
        query = select(func.max(_LOCKOUTS.c.ends_at)).where(
            or_(_lockout(LockoutKind.USER, user), _lockout(LockoutKind.ADDRESS, address)),
            _LOCKOUTS.c.starts_at <= now,
            _LOCKOUTS.c.ends_at > now,
        )
        return self._session.execute(query).scalar_one_or_none()

    def record(self, attempt: LoginAttempt) -> None:
        self._session.execute(
            insert(_ATTEMPTS).values(
                at=attempt.at,
                user_name=_cut(LockoutKind.USER, attempt.user),
                address=_cut(LockoutKind.ADDRESS, attempt.address),
                outcome=attempt.outcome.value,
            )
        )

    def failures(self, kind: LockoutKind, subject: str, *, since: datetime, after: int = 0) -> int:
        """Failed attempts by the user name or from the address at or after ``since`` and
        recorded after attempt ``after`` (see ``last_success``)."""
        query = select(func.count()).where(
            _who(kind, subject),
            _ATTEMPTS.c.outcome == LoginOutcome.FAILURE.value,
            _ATTEMPTS.c.at >= since,
            _ATTEMPTS.c.id > after,
        )
        return int(self._session.execute(query).scalar_one())

    def last_success(self, user: str) -> int:
        """The attempt number of ``user``'s last successful login (0: none). A number, not a
        time: attempts in the same instant stay in the order they were recorded."""
        query = select(func.max(_ATTEMPTS.c.id)).where(
            _who(LockoutKind.USER, user), _ATTEMPTS.c.outcome == LoginOutcome.SUCCESS.value
        )
        return int(self._session.execute(query).scalar_one_or_none() or 0)

    def last_lockout_end(self, kind: LockoutKind, subject: str) -> datetime | None:
        query = select(func.max(_LOCKOUTS.c.ends_at)).where(_lockout(kind, subject))
        return self._session.execute(query).scalar_one_or_none()

    def lockouts_since(self, kind: LockoutKind, subject: str, since: datetime) -> int:
        query = select(func.count()).where(_lockout(kind, subject), _LOCKOUTS.c.starts_at > since)
        return int(self._session.execute(query).scalar_one())

    def lock(self, lockout: Lockout) -> None:
        self._session.execute(
            insert(_LOCKOUTS).values(
                kind=lockout.kind.value,
                subject=_cut(lockout.kind, lockout.subject),
                starts_at=lockout.starts_at,
                ends_at=lockout.ends_at,
                user_name=_cut(LockoutKind.USER, lockout.user),
                address=_cut(LockoutKind.ADDRESS, lockout.address),
            )
        )

    def attempts(self, *, limit: int = 100, user: str | None = None) -> list[LoginAttempt]:
        """The latest attempts, newest first (of ``user`` only when given)."""
        query = select(_ATTEMPTS).order_by(_ATTEMPTS.c.id.desc()).limit(limit)
        if user is not None:
            query = query.where(_who(LockoutKind.USER, user))
        return [
            LoginAttempt(row.at, row.user_name, row.address, LoginOutcome(row.outcome))
            for row in self._session.execute(query)
        ]

    def lockouts(self, *, limit: int = 100) -> list[Lockout]:
        """The latest lockouts, newest first."""
        query = select(_LOCKOUTS).order_by(_LOCKOUTS.c.id.desc()).limit(limit)
        return [
            Lockout(
                LockoutKind(row.kind),
                row.subject,
                row.starts_at,
                row.ends_at,
                row.user_name,
                row.address,
            )
            for row in self._session.execute(query)
        ]
