"""Who may call the directory's admin API: named admins, their scopes, their bearer tokens.

The credentials live in one JSON file in the directory's home (``admins.json``, mode 0600), not
in the registry's database. A token is ``ltadm_<id>_<secret>``: the id finds the admin, the
secret (256 random bits) is checked against a salted HMAC-SHA-256 of it in constant time. Only
the salt and the digest are stored; the token is shown once, when the admin is added. A secret
of 256 random bits needs no slow password hash: there is nothing to guess.

The server rereads the file when it changes, so ``lienthong directory admins add`` takes effect
without a restart.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from lienthong._i18n import msg
from lienthong.directory._errors import (
    AuthenticationRequired,
    DirectoryConflict,
    DirectoryEntryUnknown,
    DirectoryKeyError,
    ScopeMissing,
)
from lienthong.directory._files import write_atomically
from lienthong.errors import message_of
from lienthong.trust import private_directory

FORMAT: Final = "lienthong-admins/1"
FILE_NAME: Final = "admins.json"
_TOKEN = re.compile(r"ltadm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class Scope(enum.StrEnum):
    """What an admin may do. A ``…:write`` scope includes reading the same things."""

    AGENCIES_READ = "agencies:read"
    AGENCIES_WRITE = "agencies:write"
    NODES_READ = "nodes:read"
    NODES_WRITE = "nodes:write"
    CERTIFICATES_WRITE = "certificates:write"
    #: Trust anchors and CRLs.
    TRUST_WRITE = "trust:write"
    AUDIT_READ = "audit:read"

    def includes(self, wanted: Scope) -> bool:
        if self is wanted:
            return True
        kind, _, access = self.value.partition(":")
        return access == "write" and wanted.value == f"{kind}:read"


@dataclass(frozen=True, slots=True)
class Admin:
    """An authenticated admin: the name recorded as the actor of every change made."""

    name: str
    scopes: frozenset[Scope]
    created_at: datetime

    def require(self, scope: Scope) -> None:
        """Raise ``ScopeMissing`` unless one of the admin's scopes includes ``scope``."""
        if not any(held.includes(scope) for held in self.scopes):
            raise ScopeMissing(
                msg("directory-admin-lacks-scope", admin=self.name, scope=scope.value),
                admin=self.name,
                scope=scope.value,
            )


@dataclass(frozen=True, slots=True)
class _Credential:
    admin: Admin
    token_id: str
    salt: bytes
    digest: bytes


def _digest(salt: bytes, secret: str) -> bytes:
    return hmac.new(salt, secret.encode("ascii"), hashlib.sha256).digest()


def parse_scopes(values: list[str] | tuple[str, ...]) -> frozenset[Scope]:
    """The scopes named in ``values``; an unknown name raises ``DirectoryConflict``."""
    scopes = set()
    for value in values:
        try:
            scopes.add(Scope(value.strip().lower()))
        except ValueError:
            known = ", ".join(scope.value for scope in Scope)
            raise DirectoryConflict(msg("directory-scope-unknown", scope=value, known=known)) from None
    return frozenset(scopes)


class AdminFile:
    """The admins of one directory, in ``home/admins.json``. Safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._credentials: dict[str, _Credential] = {}

    @classmethod
    def in_home(cls, home: str | os.PathLike[str]) -> AdminFile:
        return cls(Path(home) / FILE_NAME)

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> dict[str, _Credential]:
        """The credentials, reread when the file changed since last read."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._credentials = self._parse(self.path.read_bytes())
                self._stamp = stamp
            return self._credentials

    def _parse(self, data: bytes) -> dict[str, _Credential]:
        try:
            document = json.loads(data)
            if document.get("format") != FORMAT:
                raise ValueError(f"format is not {FORMAT}")
            return {
                entry["name"]: _Credential(
                    Admin(
                        entry["name"],
                        frozenset(Scope(s) for s in entry["scopes"]),
                        datetime.fromisoformat(entry["created_at"]),
                    ),
                    entry["token_id"],
                    bytes.fromhex(entry["salt"]),
                    bytes.fromhex(entry["digest"]),
                )
                for entry in document["admins"]
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DirectoryKeyError(
                msg("directory-admins-file-unreadable", path=str(self.path), reason=message_of(exc))
            ) from exc

    def admins(self) -> list[Admin]:
        return sorted((c.admin for c in self._load().values()), key=lambda admin: admin.name)

    def authenticate(self, authorization: str | None) -> Admin:
        """The admin whose token is in an ``Authorization: Bearer …`` value.

        Raises ``AuthenticationRequired`` when there is none, or it matches no admin.
        """
        scheme, _, token = (authorization or "").strip().partition(" ")
        match = _TOKEN.fullmatch(token.strip()) if scheme.lower() == "bearer" else None
        if match is None:
            raise AuthenticationRequired(msg("directory-bearer-required"))
        token_id, secret = match.groups()
        found = next((c for c in self._load().values() if c.token_id == token_id), None)
        salt = found.salt if found is not None else b"\0" * 16
        # The digest is computed whether or not the id is known: no timing tells them apart.
        valid = hmac.compare_digest(_digest(salt, secret), found.digest if found else b"\0" * 32)
        if found is None or not valid:
            raise AuthenticationRequired(msg("directory-token-invalid"))
        return found.admin

    # -- changing ------------------------------------------------------------------------------

    def _write(self, credentials: dict[str, _Credential]) -> None:
        entries: list[dict[str, Any]] = [
            {
                "name": c.admin.name,
                "scopes": sorted(scope.value for scope in c.admin.scopes),
                "created_at": c.admin.created_at.isoformat(),
                "token_id": c.token_id,
                "salt": c.salt.hex(),
                "digest": c.digest.hex(),
            }
            for c in sorted(credentials.values(), key=lambda c: c.admin.name)
        ]
        document = {"format": FORMAT, "admins": entries}
        if (
            not self.path.parent.exists()
        ):  # a new home is its owner's only; an existing one is checked at start
            private_directory(self.path.parent)
        write_atomically(self.path, json.dumps(document, indent=2).encode("utf-8"), mode=0o600)

    def add(self, name: str, scopes: frozenset[Scope], *, at: datetime) -> tuple[Admin, str]:
        """Add an admin; returns it and its bearer token, which is never shown again."""
        if not _NAME.fullmatch(name):
            raise DirectoryConflict(msg("directory-admin-name-invalid", name=repr(name)))
        if not scopes:
            raise DirectoryConflict(msg("directory-admin-scope-needed"))
        credentials = dict(self._load())
        if name in credentials:
            raise DirectoryConflict(msg("directory-admin-exists", name=name))
        token_id, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_bytes(16)
        admin = Admin(name, scopes, at)
        credentials[name] = _Credential(admin, token_id, salt, _digest(salt, secret))
        self._write(credentials)
        return admin, f"ltadm_{token_id}_{secret}"

    def remove(self, name: str) -> None:
        credentials = dict(self._load())
        if credentials.pop(name, None) is None:
            raise DirectoryEntryUnknown(msg("directory-admin-unknown", name=name))
        self._write(credentials)
