"""A console session ends as soon as its user's record changes: removed by the CLI (another
process sharing the home), or given a new password; other users' sessions go on. A session
lives in the node's database: every process of the node serves it, a logout on one ends it on all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.console_support import Consoles, clock, consoles, csrf_of, node_home, users_at
from lienthong.console import Role, UserFile, create_console
from node.node_network import RECIPIENT

__all__ = ["consoles"]  # the fixture, imported for pytest

pytestmark = pytest.mark.anyio


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIENTHONG_LANG": "en"}
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=env)


async def test_a_user_removed_by_the_cli_is_logged_out_at_the_next_request(
    consoles: Consoles, tmp_path: Path
) -> None:
    lan = await consoles.login(consoles.receiver_app, "lan")
    minh = await consoles.login(consoles.receiver_app, "minh")
    assert (await lan.get("/console/inbox")).status_code == 200

    node_home(tmp_path / "home", consoles.network.receiver)  # the command audits its change there
    done = _lienthong("node", "users", "remove", "lan", "--home", str(tmp_path / "home"))
    assert done.returncode == 0, done.stderr

    page = await lan.get("/console/inbox")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/console/login")
    assert (await lan.get("/console/inbox")).status_code == 303, "the session came back"
    assert (await minh.get("/console/inbox")).status_code == 200


async def test_a_new_password_or_new_roles_end_the_open_session(consoles: Consoles, tmp_path: Path) -> None:
    users = UserFile.in_home(tmp_path / "home")
    lan = await consoles.login(consoles.receiver_app, "lan")
    users.add("lan", "mật-khẩu-mới-2", roles=[Role.CLERK], codes=[RECIPIENT])
    assert (await lan.get("/console/inbox")).status_code == 303

    minh = await consoles.login(consoles.receiver_app, "minh")
    users.add("minh", "mật-khẩu-thử-1", roles=[Role.CLERK], codes=[RECIPIENT])
    assert (await minh.get("/console/inbox")).status_code == 303


async def test_a_removed_user_gets_401_on_a_form_post(consoles: Consoles, tmp_path: Path) -> None:
    lan = await consoles.login(consoles.receiver_app, "lan")
    UserFile.in_home(tmp_path / "home").remove("lan")
    answer = await lan.post("/console/compose", data={"csrf": "x"})
    assert answer.status_code == 401


async def test_a_session_is_served_by_every_process_of_the_node_and_a_logout_ends_it_everywhere(
    consoles: Consoles, tmp_path: Path
) -> None:
    """Two consoles on one node database stand for two processes behind a load balancer."""
    other = create_console(consoles.network.receiver, users=users_at(tmp_path / "home"), clock=clock)
    lan = await consoles.login(consoles.receiver_app, "lan")
    elsewhere = consoles.client(other)
    elsewhere.cookies = lan.cookies
    page = await elsewhere.get("/console/inbox")
    assert page.status_code == 200, "the other process did not know the session"

    answer = await elsewhere.post("/console/logout", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    assert (await lan.get("/console/inbox")).status_code == 303, "still logged in on the first process"
