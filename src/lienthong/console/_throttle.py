"""Login throttling: too many wrong passwords lock the user name, or the client address, for a while.

Counted in the node's database (``LoginStore``), so it holds across the node processes sharing it
and across restarts. A locked name or address is refused before its password is looked at: a
refusal costs a query, not a scrypt. Every attempt and every lockout is kept; a lockout is also
an entry of the node's audit log (``login-locked-out``), written in the transaction that records
it, so the log never shows a lockout that did not happen nor misses one that did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from lienthong._i18n import msg
from lienthong.errors import LienthongError
from lienthong.store import (
    Database,
    Lockout,
    LockoutKind,
    LoginAttempt,
    LoginOutcome,
    LoginStore,
    NodeAudit,
    NodeAuditEntry,
)

#: The audit log's action for a lockout; its target is the user name tried.
LOCKED_OUT = "login-locked-out"


class LoginSettingsError(LienthongError):
    """Raised when the console's login settings (``console_login`` in node.json) are unusable."""

    code = "console-login-settings"


#: The settings node.json may give under ``console_login``, and what each sets.
_COUNTS = ("user_failures", "address_failures")
_MINUTES = {
    "window_minutes": "window",
    "lockout_minutes": "lockout",
    "longest_minutes": "longest",
    "memory_minutes": "memory",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginPolicy:
    """How many failures lock whom, and for how long (the console's login settings).

    A node reads them from ``console_login`` in its node.json, every one optional::

        "console_login": {"user_failures": 5, "address_failures": 20, "window_minutes": 15,
                          "lockout_minutes": 15, "longest_minutes": 1440, "memory_minutes": 1440}

    Behind a reverse proxy every login comes from the proxy's address: raise
    ``address_failures`` there, or the proxy's address locks everyone out.
    """

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

    @classmethod
    def from_settings(cls, settings: Mapping[str, object]) -> LoginPolicy:
        """The policy ``settings`` (node.json's ``console_login``) describe; defaults for the rest."""
        unknown = sorted(set(settings) - {*_COUNTS, *_MINUTES})
        if unknown:
            raise LoginSettingsError(msg("console-login-setting-unknown", names=", ".join(unknown)))
        values: dict[str, Any] = {}
        for key, value in settings.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise LoginSettingsError(
                    msg("console-login-setting-not-positive", name=key, value=repr(value))
                )
            if key in _COUNTS:
                values[key] = max(1, int(value))
            else:
                values[_MINUTES[key]] = timedelta(minutes=value)
        return cls(**values)


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
        with self._database().transaction() as session:
            store, audit = LoginStore(session), NodeAudit(session)
            store.record(LoginAttempt(now, user, address, LoginOutcome.FAILURE))
            ends = []
            for kind, subject, limit in (
                (LockoutKind.USER, user, self.policy.user_failures),
                (LockoutKind.ADDRESS, address, self.policy.address_failures),
            ):
                # Failures before the last lockout ended were paid for by it; for a user name,
                # those before a correct password too (not for the address: one good account
                # must not let an address go on guessing the others' passwords).
                opened = now - self.policy.window
                since = max(opened, store.last_lockout_end(kind, subject) or opened)
                after = store.last_success(subject) if kind is LockoutKind.USER else 0
                if store.failures(kind, subject, since=since, after=after) >= limit:
                    ends.append(self._lock(store, kind, subject, user, address, now))
                    params = {"kind": kind.value, "address": address, "until": ends[-1].isoformat()}
                    audit.record(NodeAuditEntry(now, "", LOCKED_OUT, user, params, address))
        return max(ends, default=None)

    def succeeded(self, user: str, address: str) -> None:
        with LoginStore.begin(self._database()) as store:
            store.record(LoginAttempt(self._clock(), user, address, LoginOutcome.SUCCESS))

    def _lock(
        self, store: LoginStore, kind: LockoutKind, subject: str, user: str, address: str, now: datetime
    ) -> datetime:
        earlier = store.lockouts_since(kind, subject, now - self.policy.memory)
        length = min(self.policy.lockout * (1 << min(earlier, 32)), self.policy.longest)
        store.lock(Lockout(kind, subject, now, now + length, user, address))
        return now + length
