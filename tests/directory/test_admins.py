"""Admin credentials: tokens shown once, only salted digests stored, scopes checked."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lienthong.directory import (
    AdminFile,
    AuthenticationRequired,
    DirectoryConflict,
    DirectoryEntryUnknown,
    DirectoryKeyError,
    Scope,
    ScopeMissing,
    parse_scopes,
)

NOW = datetime(2025, 6, 30, tzinfo=UTC)


def test_tokens_authenticate_and_only_digests_are_stored(tmp_path: Path) -> None:
    admins = AdminFile.in_home(tmp_path)
    admin, token = admins.add("alice", parse_scopes(["nodes:write", "AUDIT:read "]), at=NOW)
    assert admin.scopes == {Scope.NODES_WRITE, Scope.AUDIT_READ}
    stored = admins.path.read_text(encoding="utf-8")
    assert token not in stored and token.rsplit("_", 1)[1] not in stored
    assert stat.S_IMODE(admins.path.stat().st_mode) == 0o600
    # Another reader of the same file (the server) sees the new admin.
    assert AdminFile.in_home(tmp_path).authenticate(f"Bearer {token}").name == "alice"
    found = admins.authenticate(f"bearer  {token}")
    found.require(Scope.NODES_READ)  # write includes read
    with pytest.raises(ScopeMissing) as missing:
        found.require(Scope.AGENCIES_WRITE)
    assert missing.value.scope == "agencies:write"
    for bad in (None, "", token, f"Basic {token}", f"Bearer {token[:-1]}x", "Bearer ltadm_x_y"):
        with pytest.raises(AuthenticationRequired):
            admins.authenticate(bad)
    _, second = admins.add("bob", frozenset({Scope.AGENCIES_READ}), at=NOW)
    assert [a.name for a in admins.admins()] == ["alice", "bob"]
    admins.remove("alice")
    with pytest.raises(AuthenticationRequired):
        admins.authenticate(f"Bearer {token}")
    assert admins.authenticate(f"Bearer {second}").name == "bob"


def test_refusals(tmp_path: Path) -> None:
    admins = AdminFile.in_home(tmp_path)
    with pytest.raises(DirectoryConflict):
        parse_scopes(["root"])
    with pytest.raises(DirectoryConflict):
        admins.add("alice", frozenset(), at=NOW)
    with pytest.raises(DirectoryConflict):
        admins.add("bad name", frozenset({Scope.AUDIT_READ}), at=NOW)
    admins.add("alice", frozenset({Scope.AUDIT_READ}), at=NOW)
    with pytest.raises(DirectoryConflict):
        admins.add("alice", frozenset({Scope.AUDIT_READ}), at=NOW)
    with pytest.raises(DirectoryEntryUnknown):
        admins.remove("nobody")
    admins.path.write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(DirectoryKeyError):
        admins.admins()
