"""The operator's users and audit pages, through the console app: who may see and change what,
every change of a user audited (and refused without its form's token), a lockout after wrong
passwords in the audit log and on the users page until unlocked, the log's filters, pages and
CSV and JSON exports in Vietnamese, and the logins tab."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from console.console_support import PASSWORD, Consoles, consoles, csrf_of
from lienthong.console import Role, UserFile
from lienthong.edxml import VIETNAM_TZ
from lienthong.store import Lockout, LockoutKind, LoginStore, NodeAudit, NodeAuditEntry
from node.node_network import AT, RECIPIENT

__all__ = ["consoles"]  # the fixture, imported for pytest

pytestmark = pytest.mark.anyio

USERS = "/console/operator/users"
AUDIT = "/console/operator/audit"


def _actions(consoles: Consoles) -> list[tuple[str, str, str]]:
    """(actor, action, target) of every audit entry, oldest first."""
    with NodeAudit.begin(consoles.network.receiver.database) as audit:
        return [(e.actor, e.action, e.target) for e in reversed(audit.entries(limit=1000))]


async def _post(client: httpx.AsyncClient, action: str, **data: str | list[str]) -> httpx.Response:
    page = await client.get(USERS)
    return await client.post(f"{USERS}/{action}", data={"csrf": csrf_of(page.text), **data})


@pytest.fixture
def users(consoles: Consoles, tmp_path: Path) -> UserFile:
    """The consoles' users, with "op", an operator."""
    users = UserFile.in_home(tmp_path / "home")
    users.add("op", PASSWORD, roles=[Role.OPERATOR], codes=[])
    return users


async def test_operators_read_administrators_change_clerks_see_neither(
    consoles: Consoles, users: UserFile
) -> None:
    lan = await consoles.login(consoles.receiver_app, "lan")
    for path in (USERS, AUDIT, f"{AUDIT}.csv", f"{AUDIT}.json"):
        assert (await lan.get(path)).status_code == 403, path
    assert "/operator/audit" not in (await lan.get("/console/inbox")).text

    op = await consoles.login(consoles.receiver_app, "op")
    page = await op.get(USERS)
    assert page.status_code == 200 and "Nguyễn" not in page.text
    assert (
        "Chỉ quản trị viên được thay đổi người dùng." in page.text
        and 'action="/console/operator/users/add"' not in page.text
    )
    assert (await op.get(AUDIT)).status_code == 200
    refused = await op.post(f"{USERS}/disable", data={"csrf": csrf_of(page.text), "name": "lan"})
    assert refused.status_code == 403
    assert not users.user("lan").disabled  # type: ignore[union-attr]

    anonymous = consoles.client(consoles.receiver_app)
    assert (await anonymous.get(AUDIT)).headers["location"].startswith("/console/login")
    assert (await anonymous.post(f"{USERS}/disable", data={"name": "lan"})).status_code == 401
    assert _actions(consoles) == []


async def test_every_change_of_a_user_is_audited_and_a_stale_form_changes_nothing(
    consoles: Consoles, users: UserFile
) -> None:
    admin = await consoles.login(consoles.receiver_app, "admin")
    stale = await admin.post(f"{USERS}/disable", data={"csrf": "stale", "name": "lan"})
    assert stale.status_code == 403 and not users.user("lan").disabled  # type: ignore[union-attr]

    added = await _post(
        admin, "add", name="thu", password="mật-khẩu-thu-1", roles=["clerk"], codes=RECIPIENT,
        full_name="Trần Thị Thu", position="Văn thư",
    )  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == f"{USERS}?done=add"
    again = await _post(admin, "add", name="thu", password="mật-khẩu-thu-1", roles=["clerk"], codes=RECIPIENT)
    assert again.status_code == 422 and "Người dùng thu đã có" in again.text
    short = await _post(admin, "add", name="hai", password="ngắn", roles=["clerk"], codes=RECIPIENT)
    assert short.status_code == 422 and users.user("hai") is None

    thu = await consoles.login(consoles.receiver_app, "thu", "mật-khẩu-thu-1")
    assert (await _post(admin, "change", name="thu", roles=["clerk", "leader"], codes=RECIPIENT,
                        full_name="Trần Thị Thu", position="Chánh văn phòng")).status_code == 303  # fmt: skip
    assert (await thu.get("/console/inbox")).status_code == 303, "new roles end the session"
    assert (await _post(admin, "disable", name="thu")).status_code == 303
    browser = consoles.client(consoles.receiver_app)
    page = await browser.get("/console/login")
    refused = await browser.post(
        "/console/login", data={"user": "thu", "password": "mật-khẩu-thu-1", "csrf": csrf_of(page.text)}
    )
    assert refused.status_code == 403 and "đã bị vô hiệu hóa" in refused.text
    assert (await _post(admin, "enable", name="thu")).status_code == 303
    assert (await _post(admin, "password", name="thu", password="mật-khẩu-mới-3")).status_code == 303
    await consoles.login(consoles.receiver_app, "thu", "mật-khẩu-mới-3")
    assert (await _post(admin, "disable", name="admin")).status_code == 422, "not oneself"
    assert (await _post(admin, "remove", name="thu")).status_code == 303
    assert users.user("thu") is None
    assert (await _post(admin, "remove", name="thu")).status_code == 404

    assert [(actor, action) for actor, action, target in _actions(consoles) if target == "thu"] == [
        ("admin", "user-added"),
        ("admin", "user-changed"),
        ("admin", "user-disabled"),
        ("admin", "user-enabled"),
        ("admin", "user-password-reset"),
        ("admin", "user-removed"),
    ]
    log = (await admin.get(AUDIT, params={"target": "thu"})).text
    assert "Sửa người dùng: vai trò văn thư, lãnh đạo; mã 000.00.00.G22" in log
    assert "Chánh văn phòng" in log and "Đặt lại mật khẩu" in log
    english = (await admin.get(AUDIT, params={"target": "thu", "lang": "en"})).text
    assert "User added: roles clerk; codes 000.00.00.G22" in english


async def test_a_lockout_is_in_the_audit_log_and_on_the_users_page_until_unlocked(
    consoles: Consoles, users: UserFile
) -> None:
    client = consoles.client(consoles.receiver_app)
    for _ in range(5):
        page = await client.get("/console/login")
        answer = await client.post(
            "/console/login", data={"user": "lan", "password": "sai-mật-khẩu", "csrf": csrf_of(page.text)}
        )
    assert answer.status_code == 429

    assert ("", "login-locked-out", "lan") in _actions(consoles)
    op = await consoles.login(consoles.receiver_app, "op")
    log = await op.get(AUDIT, params={"action": "login-locked-out"})
    assert "Khóa đăng nhập tên người dùng sau nhiều lần sai mật khẩu" in log.text
    assert "(chưa đăng nhập)" in log.text
    exported = (await op.get(f"{AUDIT}.csv", params={"action": "login-locked-out"})).content.decode(
        "utf-8-sig"
    )
    assert "Khóa đăng nhập tên người dùng sau nhiều lần sai mật khẩu" in exported
    logins = await op.get(AUDIT, params={"tab": "logins", "user": "lan"})
    rows = logins.text.split('id="logins"')[1]
    assert rows.count("Thất bại") == 5 and "<td>op</td>" not in rows
    assert "Bị khóa đăng nhập đến" in (await op.get(USERS)).text

    admin = await consoles.login(consoles.receiver_app, "admin")
    assert (await _post(admin, "unlock", name="lan")).status_code == 303
    assert ("admin", "user-unlocked", "lan") in _actions(consoles)
    assert "Bị khóa đăng nhập đến" not in (await op.get(USERS)).text
    await consoles.login(consoles.receiver_app, "lan")
    assert "Mở khóa đăng nhập (khóa đến" in (await op.get(AUDIT, params={"target": "lan"})).text


def _seed(consoles: Consoles, count: int) -> None:
    """``count`` entries a day apart, by two actors, the newest at AT."""
    with NodeAudit.begin(consoles.network.receiver.database) as audit:
        for i in range(count):
            actor = "lan" if i % 2 else "minh"
            at = AT - timedelta(days=count - 1 - i)
            audit.record(
                NodeAuditEntry(at, actor, "archive-made", f"doc-{i}", {"ghi_chú": f"số {i}"}, "127.0.0.1")
            )


async def test_filters_pages_and_exports_keep_to_the_same_entries(
    consoles: Consoles, users: UserFile
) -> None:
    _seed(consoles, 120)
    op = await consoles.login(consoles.receiver_app, "op")
    first = await op.get(AUDIT)
    assert first.text.count("doc-") == 50 and "doc-119" in first.text and "doc-70" in first.text
    assert "archive-made (ghi_chú=số 119)" in first.text, (
        "an action without a text (a newer node's) shows its code and params"
    )
    older = first.text.split('id="older" ')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = await op.get(older)
    assert "doc-69" in second.text and "doc-119" not in second.text and second.text.count("doc-") == 50

    minh = await op.get(AUDIT, params={"actor": "minh"})
    assert "doc-118" in minh.text and "doc-119" not in minh.text
    day = (AT - timedelta(days=3)).astimezone(VIETNAM_TZ).date().isoformat()
    by_day = await op.get(AUDIT, params={"since": day, "until": day})
    assert by_day.text.count("doc-") == 1
    assert (await op.get(AUDIT, params={"since": "7/12/2026"})).status_code == 422

    exported = await op.get(f"{AUDIT}.csv", params={"actor": "lan"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 60 and {r["actor"] for r in rows} == {"lan"}
    assert json.loads(rows[0]["params"]) == {"ghi_chú": "số 119"}
    with NodeAudit.begin(consoles.network.receiver.database) as audit:
        audit.record(NodeAuditEntry(AT, "", "login-locked-out", '=HYPERLINK("http://x")', {}, "10.0.0.9"))
    tricked = await op.get(f"{AUDIT}.csv", params={"action": "login-locked-out"})
    cells = list(csv.DictReader(io.StringIO(tricked.content.decode("utf-8-sig"))))
    assert [row["target"] for row in cells] == ['\'=HYPERLINK("http://x")'], "not a formula in Excel"
    whole = json.loads((await op.get(f"{AUDIT}.json", params={"lang": "en"})).content)
    assert (
        len(whole) == 121 and whole[1]["target"] == "doc-119" and whole[1]["params"] == {"ghi_chú": "số 119"}
    )
    assert (await op.get(f"{AUDIT}.json", params={"until": "bad"})).status_code == 422


async def test_an_address_locked_out_is_listed_and_an_administrator_unlocks_it(
    consoles: Consoles, users: UserFile
) -> None:
    with LoginStore.begin(consoles.network.receiver.database) as store:
        store.lock(
            Lockout(LockoutKind.ADDRESS, "10.0.0.9", AT, AT + timedelta(minutes=15), "khach", "10.0.0.9")
        )
    op = await consoles.login(consoles.receiver_app, "op")
    listed = (await op.get(USERS)).text
    assert (
        "Địa chỉ đang bị khóa đăng nhập" in listed
        and "10.0.0.9" in listed
        and "unlock-address-1" not in listed
    )

    admin = await consoles.login(consoles.receiver_app, "admin")
    assert (await _post(admin, "unlock-address", address="10.0.0.9")).status_code == 303
    assert "10.0.0.9" not in (await op.get(USERS)).text
    assert ("admin", "address-unlocked", "10.0.0.9") in _actions(consoles)
    log = (await op.get(AUDIT, params={"target": "10.0.0.9"})).text
    assert "Mở khóa đăng nhập cho địa chỉ (khóa đến" in log
