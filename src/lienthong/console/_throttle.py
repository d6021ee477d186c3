"""Login throttling: too many wrong passwords lock the user name, or the client address, for a while.

Counted in the node's database (``LoginStore``), so it holds across the node processes sharing it
and across restarts. A locked name or address is refused before its password is looked at: a
refusal costs a query, not a scrypt. Every attempt and every lockout is kept as the audit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lienthong.store import Database, Lockout, LockoutKind, LoginAttempt, LoginOutcome, LoginStore


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginPolicy:
    """How many failures lock whom, and for how long (the console's login settings)."""

    #: Wrong passwords for one user name within ``window`` that lock that name. A correct
    #: password clears the count.
    user_failures: int = 5
    #: Wrong passwords from one client address within ``window`` that lock that address
    #: (whatever names were tried: one address guessing many names).
    address_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    #: The first lockout's length; each further lockout of the same name or address within
    #: ``memory`` lasts twice the one before, up to ``longest``.
    lockout: timedelta = timedelta(minutes=15)
    longest: timedelta = timedelta(hours=24)
    memory: timedelta = timedelta(hours=24)


class LoginThrottle:
    """Checks and counts login attempts against ``policy``, in ``database()``, at ``clock()``."""

    def __init__(
        self, database: Callable[[], Database], policy: LoginPolicy, clock: Callable[[], datetime]
    ) -> None:
        self._database = database
        self.policy = policy
        self._clock = clock

    def refused_until(self, user: str, address: str) -> datetime | None:
        """When ``user`` or ``address`` is locked out now: when that ends (the attempt is
        recorded as refused). None: go on and check the password."""
        now = self._clock()
        with LoginStore.begin(self._database()) as store:
            ends = store.locked_until(user=user, address=address, now=now)
            if ends is not None:
                store.record(LoginAttempt(now, user, address, LoginOutcome.LOCKED))
        return ends

    def failed(self, user: str, address: str) -> datetime | None:
        """Count a wrong password; when it locks the user or the address, when that ends."""
        now = self._clock()
        with LoginStore.begin(self._database()) as store:
            store.record(LoginAttempt(now, user, address, LoginOutcome.FAILURE))
            ends = []
            for kind, subject, limit in (
                (LockoutKind.USER, user, self.policy.user_failures),
                (LockoutKind.ADDRESS, address, self.policy.address_failures),
            ):
                since = self._counted_since(store, kind, subject, now)
                if store.failures(kind, subject, since=since) >= limit:
                    ends.append(self._lock(store, kind, subject, user, address, now))
        return max(ends, default=None)

    def succeeded(self, user: str, address: str) -> None:
        with LoginStore.begin(self._database()) as store:
            store.record(LoginAttempt(self._clock(), user, address, LoginOutcome.SUCCESS))

    def _counted_since(self, store: LoginStore, kind: LockoutKind, subject: str, now: datetime) -> datetime:
        # Failures before the last lockout ended were paid for by it; for a user name, those
        # before a correct password too (the address keeps counting: one good account must not
        # let an address guess the others' passwords forever).
        since = [now - self.policy.window, store.last_lockout_end(kind, subject)]
        if kind is LockoutKind.USER:
            since.append(store.last_success(subject))
        return max(moment for moment in since if moment is not None)

    def _lock(
        self, store: LoginStore, kind: LockoutKind, subject: str, user: str, address: str, now: datetime
    ) -> datetime:
        earlier = store.lockouts_since(kind, subject, now - self.policy.memory)
        length = min(self.policy.lockout * (1 << min(earlier, 32)), self.policy.longest)
        store.lock(Lockout(kind, subject, now, now + length, user, address))
        return now + length
