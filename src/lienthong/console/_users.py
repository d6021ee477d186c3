"""The console's local users: ``HOME/console-users.json``, passwords hashed with scrypt and a salt.

    {"users": [{"name": "lan", "roles": ["clerk"], "codes": ["000.00.00.G22"],
                "salt": "<hex>", "scrypt": "<hex>", "n": 16384, "r": 8, "p": 1,
                "full_name": "Nguyễn Thị Lan", "position": "Văn thư", "disabled": false,
                "created": "2026-12-07T08:00:00+00:00", "changed": "2026-12-07T08:00:00+00:00"}]}

The last five keys came later: a file without them still loads (no name, enabled, times
unknown). The file is read again whenever it changed (an added user can log in without a
restart) and written atomically. Passwords never appear in it; checking one compares digests in
constant time. A logged-in user carries a stamp of their record: once the record is removed or
changed (password, roles, codes, disabled), by this process or another sharing the home, the stamp
no longer matches and the session ends at its next request. A new full name or position does not
end anyone's session: they are what others read, not what the user may do.

An administrator who resets a password tells the user the new one; there is no "change at next
login" (the console has no password-change page for a user to be sent to).
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
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from lienthong._clock import utc_now
from lienthong._i18n import msg
from lienthong.codes import is_valid_code
from lienthong.errors import LienthongError, message_of

#: The users file in a node's home.
USERS_FILE: Final = "console-users.json"
_N, _R, _P = 2**14, 8, 1
_MIN_PASSWORD = 8
_MAX_LABEL = 120
#: What people read about a user, left out of the stamp (see the module's docstring).
_DESCRIPTIVE: Final = frozenset({"full_name", "position", "created", "changed"})


class Role(enum.StrEnum):
    """What a console user may do (a user may hold several)."""

    CLERK = "clerk"  # văn thư: registers, refuses, sends
    LEADER = "leader"  # lãnh đạo: assigns, answers recalls
    OPERATOR = "operator"  # vận hành: the node's operator views (messages, deliveries, keys, users, audit)
    ADMINISTRATOR = "administrator"  # quản trị: may do everything


class UserError(LienthongError):
    """Raised when a user cannot be added or changed (bad name, code, password; no such user) or
    the file is unreadable."""


@dataclass(frozen=True, slots=True)
class ConsoleUser:
    """A user as the console sees it once logged in (no secret)."""

    name: str
    roles: frozenset[Role]
    #: The agency codes the user works for: their inbox and the senders they may use.
    codes: tuple[str, ...]
    #: A digest of the user's record when they logged in (not of the password alone).
    stamp: str = field(default="", compare=False, repr=False)
    #: The person's name and position ("Nguyễn Thị Lan", "Văn thư"): "" when not given.
    full_name: str = field(default="", compare=False)
    position: str = field(default="", compare=False)
    #: A disabled user cannot log in; their sessions ended when they were disabled.
    disabled: bool = field(default=False, compare=False)
    #: When the record was created and last changed (None in a file from before they were kept).
    created: datetime | None = field(default=None, compare=False)
    changed: datetime | None = field(default=None, compare=False)

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

    def user(self, name: str) -> ConsoleUser | None:
        found = self._find(self._records(), name)
        return None if found is None else _user(found)

    def add(
        self,
        name: str,
        password: str,
        *,
        roles: Iterable[Role],
        codes: Iterable[str],
        full_name: str | None = None,
        position: str | None = None,
        at: datetime | None = None,
    ) -> ConsoleUser:
        """Add ``name`` (or replace its password, roles and codes; its name, position, disabled
        state and creation time stay unless given)."""
        name = unicodedata.normalize("NFC", name.strip())
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise UserError(msg("console-user-name-invalid", name=repr(name)))
        now = (at or utc_now()).isoformat()
        records = self._records()
        record = dict(self._find(records, name) or {"created": now})
        record.update(name=name, roles=_roles(roles), codes=_codes(codes), changed=now)
        record.update(_secret(password))
        record.update(_labels(full_name, position, record))
        self._write([*(r for r in records if r.get("name") != name), record])
        return _user(record)

    def change(
        self,
        name: str,
        *,
        roles: Iterable[Role] | None = None,
        codes: Iterable[str] | None = None,
        full_name: str | None = None,
        position: str | None = None,
        disabled: bool | None = None,
        password: str | None = None,
        at: datetime | None = None,
    ) -> ConsoleUser:
        """Change what is given of ``name``'s record (None: keep it); UserError if unknown."""
        records = self._records()
        found = self._find(records, name)
        if found is None:
            raise UserError(msg("console-user-unknown", name=name))
        record = dict(found)
        if roles is not None:
            record["roles"] = _roles(roles)
        if codes is not None:
            record["codes"] = _codes(codes)
        if password is not None:
            record.update(_secret(password))
        if disabled is not None:
            record["disabled"] = disabled
            if disabled:  # a new stamp each time: enabling again revives no session
                record["epoch"] = secrets.token_hex(8)
        record.update(_labels(full_name, position, record))
        record["changed"] = (at or utc_now()).isoformat()
        self._write([record if r is found else r for r in records])
        return _user(record)

    def remove(self, name: str) -> bool:
        records = self._records()
        kept = [r for r in records if r.get("name") != name]
        if len(kept) == len(records):
            return False
        self._write(kept)
        return True

    @staticmethod
    def _find(records: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
        name = unicodedata.normalize("NFC", name.strip())
        return next((r for r in records if r.get("name") == name), None)

    def still(self, user: ConsoleUser) -> bool:
        """Whether ``user``'s record is the one they logged in with (not removed, not changed).
        An unreadable file answers no: sessions end rather than outlive a removal."""
        try:
            found = next((r for r in self._records() if r.get("name") == user.name), None)
        except UserError:
            return False
        if found is None or found.get("disabled") or not user.stamp:
            return False
        return hmac.compare_digest(_stamp(found), user.stamp)

    def authenticate(self, name: str, password: str) -> ConsoleUser | None:
        """The user when ``password`` is theirs; None otherwise (same work either way). A
        disabled user is returned too, ``disabled`` set: the caller refuses them with its reason."""
        name = unicodedata.normalize("NFC", name.strip())
        found = next((r for r in self._records() if r.get("name") == name), None)
        if found is None:
            _digest(password, b"\0" * 16)  # as slow as a real check
            return None
        expected = bytes.fromhex(str(found["scrypt"]))
        got = _digest(password, bytes.fromhex(str(found["salt"])), found["n"], found["r"], found["p"])
        return _user(found) if hmac.compare_digest(expected, got) else None


def _roles(roles: Iterable[Role]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise UserError(msg("console-user-role-needed"))
    return [r.value for r in chosen]


def _codes(codes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(c.strip() for c in codes))
    for code in chosen:
        if not is_valid_code(code):
            raise UserError(msg("console-user-code-invalid", code=code))
    return chosen


def _secret(password: str) -> dict[str, Any]:
    if len(password) < _MIN_PASSWORD:
        raise UserError(msg("console-user-password-short", length=_MIN_PASSWORD))
    salt = secrets.token_bytes(16)
    return {"salt": salt.hex(), "scrypt": _digest(password, salt).hex(), "n": _N, "r": _R, "p": _P}


def _labels(full_name: str | None, position: str | None, record: dict[str, Any]) -> dict[str, str]:
    """The full name and position given (None: as in ``record``), one line each, NFC."""
    labels = {}
    for key, value in (("full_name", full_name), ("position", position)):
        text = " ".join(unicodedata.normalize("NFC", value).split()) if value is not None else None
        if text is not None and (len(text) > _MAX_LABEL or not text.isprintable()):
            raise UserError(msg("console-user-label-invalid", length=_MAX_LABEL))
        labels[key] = text if text is not None else str(record.get(key, ""))
    return labels


def _time(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _user(record: dict[str, Any]) -> ConsoleUser:
    return ConsoleUser(
        name=str(record["name"]),
        roles=frozenset(Role(r) for r in record["roles"]),
        codes=tuple(str(c) for c in record["codes"]),
        stamp=_stamp(record),
        full_name=str(record.get("full_name", "")),
        position=str(record.get("position", "")),
        disabled=bool(record.get("disabled", False)),
        created=_time(record.get("created")),
        changed=_time(record.get("changed")),
    )


def _stamp(record: dict[str, Any]) -> str:
    # The salt changes with every password set, so a new password gives a new stamp. A record
    # from before "disabled" existed stamps as it did then: an upgrade logs no one out.
    kept = {k: v for k, v in record.items() if k not in _DESCRIPTIVE}
    canonical = json.dumps(kept, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(canonical).hexdigest()
