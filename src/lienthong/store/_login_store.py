"""``LoginStore``: the console's login attempts and lockouts, in the node's database.

Kept in the database, not in memory, so every node process sharing it sees the same counts and
lockouts, and a restart forgives nothing. Attempts are append-only: concurrent attempts only ever
insert, and counts are queries over a time range (indexed by name or address, then time). A
lockout row is never deleted; an operator's unlock only moves its end to the moment of unlocking
(the node's audit log keeps who did it and when it would have ended).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, and_, func, insert, or_, select, update
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

    def attempts(
        self,
        *,
        limit: int = 100,
        user: str | None = None,
        address: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: int | None = None,
    ) -> list[LoginAttempt]:
        """The latest attempts matching every filter given, newest first; ``before`` (an
        attempt's id) pages back."""
        query = select(_ATTEMPTS).order_by(_ATTEMPTS.c.id.desc()).limit(limit)
        if user is not None:
            query = query.where(_who(LockoutKind.USER, user))
        if address is not None:
            query = query.where(_who(LockoutKind.ADDRESS, address))
        if since is not None:
            query = query.where(_ATTEMPTS.c.at >= since)
        if until is not None:
            query = query.where(_ATTEMPTS.c.at < until)
        if before is not None:
            query = query.where(_ATTEMPTS.c.id < before)
        return [
            LoginAttempt(row.at, row.user_name, row.address, LoginOutcome(row.outcome), row.id)
            for row in self._session.execute(query)
        ]

    def last_logins(self) -> dict[str, datetime]:
        """Each user name's latest successful login."""
        query = (
            select(_ATTEMPTS.c.user_name, func.max(_ATTEMPTS.c.at))
            .where(_ATTEMPTS.c.outcome == LoginOutcome.SUCCESS.value)
            .group_by(_ATTEMPTS.c.user_name)
        )
        return {str(name): at for name, at in self._session.execute(query)}

    def lockouts(self, *, limit: int = 100, now: datetime | None = None) -> list[Lockout]:
        """The latest lockouts, newest first (only those in force at ``now`` when given)."""
        query = select(_LOCKOUTS).order_by(_LOCKOUTS.c.id.desc()).limit(limit)
        if now is not None:
            query = query.where(_LOCKOUTS.c.starts_at <= now, _LOCKOUTS.c.ends_at > now)
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

    def unlock(self, kind: LockoutKind, subject: str, *, now: datetime) -> datetime | None:
        """End now the lockouts of the user name or address in force at ``now``: when the
        latest would have ended (None: none was in force). The failures before count no more
        (they were paid for by a lockout that ended, see ``last_lockout_end``)."""
        in_force = and_(_lockout(kind, subject), _LOCKOUTS.c.starts_at <= now, _LOCKOUTS.c.ends_at > now)
        ends = self._session.execute(select(func.max(_LOCKOUTS.c.ends_at)).where(in_force)).scalar()
        if ends is not None:
            self._session.execute(update(_LOCKOUTS).where(in_force).values(ends_at=now))
        return ends
