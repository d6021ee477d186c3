"""`lienthong node users`: add, disable, enable, reset and remove, each an entry of the node's
audit log by ``cli:<system user>``; without a node database to audit in, one line, exit 1, and
the users file is left as it was."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

from lienthong.cli._console import app
from lienthong.console import UserFile
from lienthong.store import NodeAudit, open_database

G22 = "000.00.00.G22"


def _users(*args: str, password: str | None = None) -> Result:
    """The command in this process (its output and exit code, as typed at a terminal)."""
    env = {"LIENTHONG_CONSOLE_PASSWORD": password} if password is not None else {}
    return CliRunner().invoke(app, list(args), env=env)


def _lienthong(*args: str, password: str) -> subprocess.CompletedProcess[str]:
    """The whole command line in its own process: how its errors read."""
    env = {**os.environ, "LIENTHONG_LANG": "en", "LIENTHONG_CONSOLE_PASSWORD": password}
    command = [sys.executable, "-m", "lienthong.cli", "node", "users", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=env)


def _home(tmp_path: Path) -> Path:
    """A node home as far as the users commands read it: a node.json naming its database."""
    home = tmp_path / "home"
    home.mkdir()
    settings = {
        "name": "vpcp",
        "database": f"sqlite:///{home / 'node.db'}",
        "key": "k.pem",
        "certificate": "c.pem",
    }
    (home / "node.json").write_text(json.dumps(settings), encoding="utf-8")
    return home


def test_every_change_is_audited_as_the_system_user(tmp_path: Path) -> None:
    home = _home(tmp_path)
    where = ("--home", str(home))
    added = _users(
        "add", "lan", *where, "--role", "clerk", "--codes", G22, "--full-name", "Nguyễn Thị Lan",
        password="mật-khẩu-thử-1",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output == f"lan\tclerk\t{G22}\tenabled\tNguyễn Thị Lan\t\n"
    assert _users("disable", "lan", *where).output.split("\t")[3] == "disabled"
    users = UserFile.in_home(home)
    assert users.authenticate("lan", "mật-khẩu-thử-1").disabled  # type: ignore[union-attr]
    assert _users("enable", "lan", *where).exit_code == 0
    assert _users("reset", "lan", *where, password="mật-khẩu-mới-2").exit_code == 0
    assert users.authenticate("lan", "mật-khẩu-thử-1") is None
    assert not users.authenticate("lan", "mật-khẩu-mới-2").disabled  # type: ignore[union-attr]
    assert _users("remove", "lan", *where).exit_code == 0

    unknown = _users("disable", "minh", *where)
    assert unknown.exit_code == 1 and "minh" in unknown.output

    database = open_database(f"sqlite:///{home / 'node.db'}")
    try:
        with NodeAudit.begin(database) as audit:
            entries = list(reversed(audit.entries()))
    finally:
        database.close()
    assert [(e.action, e.target) for e in entries] == [
        ("user-added", "lan"),
        ("user-disabled", "lan"),
        ("user-enabled", "lan"),
        ("user-password-reset", "lan"),
        ("user-removed", "lan"),
    ]
    assert {e.actor for e in entries} == {f"cli:{getpass.getuser()}"}
    assert entries[0].params == {"roles": "clerk", "codes": G22}


def test_without_a_node_database_nothing_changes_and_one_line_says_why(tmp_path: Path) -> None:
    home = tmp_path / "not-a-node"
    home.mkdir()
    refused = _lienthong(
        "add", "lan", "--home", str(home), "--role", "clerk", "--codes", G22, password="mật-khẩu-thử-1"
    )
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert "node.json" in refused.stderr
    assert not (home / "console-users.json").exists()
