"""The console's local users: ``HOME/console-users.json``, passwords hashed with scrypt and a salt.

    {"users": [{"name": "lan", "roles": ["clerk"], "codes": ["000.00.00.G22"],
                "salt": "<hex>", "scrypt": "<hex>", "n": 16384, "r": 8, "p": 1}]}

The file is read again whenever it changed (an added user can log in without a restart) and
written atomically. Passwords never appear in it; checking one compares digests in constant time.
A logged-in user carries a stamp of their record: once the record is removed or changed
(password, roles, codes), by this process or another sharing the home, the stamp no longer
matches and the session ends at its next request.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lienthong._i18n import msg
from lienthong.codes import is_valid_code
from lienthong.errors import LienthongError, message_of

#: The users file in a node's home.
USERS_FILE: Final = "console-users.json"
_N, _R, _P = 2**14, 8, 1
_MIN_PASSWORD = 8


class Role(enum.StrEnum):
    """What a console user may do (a user may hold several)."""

    CLERK = "clerk"  # văn thư: registers, refuses, sends
    LEADER = "leader"  # lãnh đạo: assigns, answers recalls
    OPERATOR = "operator"  # vận hành: the node's operator views (messages, deliveries, keys, users, audit)
    ADMINISTRATOR = "administrator"  # quản trị: may do everything


class UserError(LienthongError):
    """Raised when a user cannot be added (bad name, code, password) or the file is unreadable."""


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """A user as the console sees it once logged in (no secret)."""

    name: str
    roles: frozenset[Role]
    #: The agency codes the user works for: their inbox and the senders they may use.
    codes: tuple[str, ...]
    #: A digest of the user's record when they logged in (not of the password alone).
    stamp: str = field(default="", compare=False, repr=False)

    def has(self, allowed: Iterable[Role]) -> bool:
        return Role.ADMINISTRATOR in self.roles or bool(self.roles & set(allowed))


def _digest(password: str, salt: bytes, n: int = _N, r: int = _R, p: int = _P) -> bytes:
    data = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


class UserFile:
    """The users of one console, kept in a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # The records last read, with the file's identity then: a page checks its session's
        # user at every request, and a stat is all that costs while the file is unchanged.
        self._cache: tuple[tuple[int, ...], list[dict[str, Any]]] | None = None

    @classmethod
    def in_home(cls, home: Path) -> UserFile:
        return cls(home / USERS_FILE)

    def _records(self) -> list[dict[str, Any]]:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise UserError(
                msg("console-users-file-unreadable", path=str(self.path), reason=message_of(exc))
            ) from exc
        # Written by replacing it: a change gives a new inode (and times, size).
        identity = (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)
        cached = self._cache
        if cached is not None and cached[0] == identity:
            return list(cached[1])
        try:
            users = json.loads(self.path.read_text(encoding="utf-8"))["users"]
            records = [dict(u) for u in users]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UserError(
                msg("console-users-file-unreadable", path=str(self.path), reason=message_of(exc))
            ) from exc
        self._cache = (identity, records)
        return list(records)

    def _write(self, records: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"users": records}, ensure_ascii=False, indent=2) + "\n"
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.chmod(temporary, 0o600)
        temporary.replace(self.path)

    def users(self) -> list[ConsoleUser]:
        return [_user(record) for record in self._records()]

    def add(self, name: str, password: str, *, roles: Iterable[Role], codes: Iterable[str]) -> ConsoleUser:
        """Add ``name`` (or replace its password, roles and codes)."""
        name = unicodedata.normalize("NFC", name.strip())
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise UserError(msg("console-user-name-invalid", name=repr(name)))
        role_set = sorted(set(roles))
        if not role_set:
            raise UserError(msg("console-user-role-needed"))
        code_list = list(dict.fromkeys(c.strip() for c in codes))
        for code in code_list:
            if not is_valid_code(code):
                raise UserError(msg("console-user-code-invalid", code=code))
        if len(password) < _MIN_PASSWORD:
            raise UserError(msg("console-user-password-short", length=_MIN_PASSWORD))
        salt = secrets.token_bytes(16)
        record = {
            "name": name,
            "roles": [r.value for r in role_set],
            "codes": code_list,
            "salt": salt.hex(),
            "scrypt": _digest(password, salt).hex(),
            "n": _N,
            "r": _R,
            "p": _P,
        }
        records = [r for r in self._records() if r.get("name") != name]
        self._write([*records, record])
        return _user(record)

    def remove(self, name: str) -> bool:
        records = self._records()
        kept = [r for r in records if r.get("name") != name]
        if len(kept) == len(records):
            return False
        self._write(kept)
        return True

    def still(self, user: ConsoleUser) -> bool:
        """Whether ``user``'s record is the one they logged in with (not removed, not changed).
        An unreadable file answers no: sessions end rather than outlive a removal."""
        try:
            found = next((r for r in self._records() if r.get("name") == user.name), None)
        except UserError:
            return False
        return found is not None and bool(user.stamp) and hmac.compare_digest(_stamp(found), user.stamp)

    def authenticate(self, name: str, password: str) -> ConsoleUser | None:
        """The user when ``password`` is theirs; None otherwise (same work either way)."""
        name = unicodedata.normalize("NFC", name.strip())
        found = next((r for r in self._records() if r.get("name") == name), None)
        if found is None:
            _digest(password, b"\0" * 16)  # as slow as a real check
            return None
        expected = bytes.fromhex(str(found["scrypt"]))
        got = _digest(password, bytes.fromhex(str(found["salt"])), found["n"], found["r"], found["p"])
        return _user(found) if hmac.compare_digest(expected, got) else None


def _user(record: dict[str, Any]) -> ConsoleUser:
    return ConsoleUser(
        name=str(record["name"]),
        roles=frozenset(Role(r) for r in record["roles"]),
        codes=tuple(str(c) for c in record["codes"]),
        stamp=_stamp(record),
    )


def _stamp(record: dict[str, Any]) -> str:
    # The salt changes with every password set, so a new password gives a new stamp.
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()
