"""The demo's people and their logins: a clerk (văn thư) and a leader (lãnh đạo) in each node's
console for every agency it serves, the node's administrator (quản trị, who also sees the
operator's views), and a portal admin at the directory.

Passwords are generated here and kept in ``network.json`` (0600) beside the API tokens: the
demo runs on this machine only, so a person and the tests read them there.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from lienthong.console import Role, UserFile
from lienthong.directory import AdminFile, Scope

#: The portal admin's name; their login is a bearer token (the portal's login form asks for one).
PORTAL_ADMIN: Final = "demo-admin"
#: What the portal admin may do: everything (the demo's network is theirs alone), so that the
#: portal's admin pages can be tried: agencies, nodes, certificates, CRLs, the audit log.
_PORTAL_SCOPES: Final = frozenset(Scope)
#: Console user names by role: ``vanthu.000.00.00.G22``, ``lanhdao.000.00.00.G22``.
_PREFIXES: Final = ((Role.CLERK, "vanthu"), (Role.LEADER, "lanhdao"))
#: The node's administrator (``quantri.vpcp``): every agency of the node, every page.
ADMINISTRATOR: Final = "quantri"


@dataclass(frozen=True, slots=True)
class ConsoleLogin:
    """A console user of the demo, password in clear (it is printed once and kept 0600)."""

    name: str
    password: str
    role: Role
    agency: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "password": self.password, "role": self.role.value, "agency": self.agency}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> ConsoleLogin:
        return cls(
            str(document["name"]), str(document["password"]), Role(document["role"]), str(document["agency"])
        )


def add_console_users(home: Path, codes: Iterable[str], *, node: str) -> list[ConsoleLogin]:
    """A clerk and a leader for each of ``codes``, and the node's administrator, in the console
    users of the node at ``home``."""
    users = UserFile.in_home(home)
    codes = list(codes)
    logins = []
    for code in codes:
        for role, prefix in _PREFIXES:
            login = ConsoleLogin(f"{prefix}.{code}", secrets.token_urlsafe(12), role, code)
            users.add(login.name, login.password, roles=[role], codes=[code])
            logins.append(login)
    # The node's, not one agency's: ``agency`` is empty.
    admin = ConsoleLogin(f"{ADMINISTRATOR}.{node}", secrets.token_urlsafe(12), Role.ADMINISTRATOR, "")
    users.add(admin.name, admin.password, roles=[Role.ADMINISTRATOR], codes=codes)
    return [*logins, admin]


def add_portal_admin(directory_home: Path, *, at: datetime) -> str:
    """The portal admin ``PORTAL_ADMIN`` at the directory in ``directory_home``; returns their token."""
    _admin, token = AdminFile.in_home(directory_home).add(PORTAL_ADMIN, _PORTAL_SCOPES, at=at)
    return token
