"""What the console's login audit is made of, as frozen values (``_login_store`` reads them)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class LoginOutcome(enum.StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    #: Refused without looking at the password: the user or the address was locked out.
    LOCKED = "locked"


class LockoutKind(enum.StrEnum):
    USER = "user"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class LoginAttempt:
    at: datetime
    user: str
    address: str
    outcome: LoginOutcome
    #: Its number once stored (0 before): attempts page back by it.
    id: int = 0


@dataclass(frozen=True, slots=True)
class Lockout:
    kind: LockoutKind
    #: The user name or the address locked out.
    subject: str
    starts_at: datetime
    ends_at: datetime
    #: The attempt that caused it.
    user: str
    address: str
