"""The console's users file: a file written before full names, positions, times and disabling
existed still loads and logs no one out; disabling refuses the login and ends the sessions
(enabling again revives none of them); a reset password replaces the old one; a new full name
or position ends nobody's session."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lienthong.console import Role, UserError, UserFile

G22 = "000.00.00.G22"
PASSWORD = "mật-khẩu-thử-1"
AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _users(tmp_path: Path) -> UserFile:
    users = UserFile(tmp_path / "console-users.json")
    users.add("lan", PASSWORD, roles=[Role.CLERK], codes=[G22], full_name="Nguyễn Thị Lan", at=AT)
    return users


def test_a_file_from_before_names_and_disabling_still_loads_and_keeps_its_sessions(tmp_path: Path) -> None:
    users = _users(tmp_path)
    record = json.loads(users.path.read_text(encoding="utf-8"))["users"][0]
    old = {k: record[k] for k in ("name", "roles", "codes", "salt", "scrypt", "n", "r", "p")}
    users.path.write_text(json.dumps({"users": [old]}), encoding="utf-8")

    again = UserFile(users.path)
    lan = again.authenticate("lan", PASSWORD)
    assert lan is not None and lan.roles == {Role.CLERK} and lan.codes == (G22,)
    assert (lan.full_name, lan.position, lan.disabled, lan.created, lan.changed) == (
        "",
        "",
        False,
        None,
        None,
    )

    # a session opened before the upgrade goes on; naming the user does not end it either
    again.change("lan", full_name="Nguyễn Thị Lan", position="Văn thư", at=AT)
    assert again.still(lan)
    named = again.user("lan")
    assert named is not None and (named.full_name, named.position, named.changed) == (
        "Nguyễn Thị Lan",
        "Văn thư",
        AT,
    )


def test_a_disabled_user_is_refused_and_their_sessions_end_even_once_enabled_again(tmp_path: Path) -> None:
    users = _users(tmp_path)
    before = users.authenticate("lan", PASSWORD)
    assert before is not None and not before.disabled

    users.change("lan", disabled=True)
    refused = users.authenticate("lan", PASSWORD)
    assert refused is not None and refused.disabled, "the caller is told, to refuse with the reason"
    assert not users.still(before) and not users.still(refused)

    users.change("lan", disabled=False)
    assert not users.still(before), "enabling again revived a session opened before the disabling"
    after = users.authenticate("lan", PASSWORD)
    assert after is not None and not after.disabled and users.still(after)


def test_a_reset_password_replaces_the_old_one_and_ends_the_session(tmp_path: Path) -> None:
    users = _users(tmp_path)
    before = users.authenticate("lan", PASSWORD)
    assert before is not None
    users.change("lan", password="mật-khẩu-mới-2")
    assert users.authenticate("lan", PASSWORD) is None
    assert users.authenticate("lan", "mật-khẩu-mới-2") is not None
    assert not users.still(before)
    with pytest.raises(UserError, match="8"):
        users.change("lan", password="short")


def test_adding_again_keeps_the_name_creation_time_and_disabled_state(tmp_path: Path) -> None:
    users = _users(tmp_path)
    users.change("lan", disabled=True, position="Văn thư")
    later = datetime(2026, 12, 8, tzinfo=UTC)
    again = users.add("lan", "mật-khẩu-mới-2", roles=[Role.CLERK, Role.LEADER], codes=[G22], at=later)
    assert again.roles == {Role.CLERK, Role.LEADER}
    assert (again.full_name, again.position, again.disabled) == ("Nguyễn Thị Lan", "Văn thư", True)
    assert (again.created, again.changed) == (AT, later)


def test_bad_changes_are_refused_and_change_nothing(tmp_path: Path) -> None:
    users = _users(tmp_path)
    text = users.path.read_text(encoding="utf-8")
    with pytest.raises(UserError, match="minh"):
        users.change("minh", disabled=True)
    with pytest.raises(UserError):
        users.change("lan", full_name="Nguyễn\x1b[31mThị Lan")
    with pytest.raises(UserError):
        users.change("lan", position="x" * 121)
    with pytest.raises(UserError):
        users.change("lan", roles=[])
    with pytest.raises(UserError):
        users.change("lan", codes=["not-a-code"])
    assert users.path.read_text(encoding="utf-8") == text
