"""The audit log in a real browser (Debian chromium through Playwright), the console served over
TLS in a thread: a user fails logins until locked out; an operator opens the audit log and sees
the lockout; an administrator sees it on the users page and unlocks the user. Screenshots go to
docs/screenshots/console-audit.png and console-users.png."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from console.console_support import PASSWORD, clock, served_over_tls, users_at
from lienthong.console import LoginPolicy, Role, create_console
from node.node_network import Network
from support.browser import SCREENSHOTS, browser

__all__ = ["browser"]  # the fixture, imported for pytest


def _log_in(page: Page, url: str, name: str, password: str) -> None:
    page.goto(f"{url}/console/login")
    page.locator("#user").fill(name)
    page.locator("#password").fill(password)
    page.locator("#password").press("Enter")  # keyboard only


def test_a_lockout_shows_in_the_audit_log_and_is_undone_from_the_users_page(
    browser: Browser, network: Network, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    users = users_at(tmp_path / "home")
    users.add("op", PASSWORD, roles=[Role.OPERATOR], codes=[], full_name="Phạm Văn Vận", position="Vận hành")
    users.change("lan", full_name="Nguyễn Thị Lan", position="Văn thư")
    users.change("admin", full_name="Lê Quản Trị", position="Quản trị hệ thống")
    policy = LoginPolicy(user_failures=3)
    app = create_console(network.receiver, users=users, clock=clock, login_policy=policy)
    with served_over_tls(app, network) as url:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for _ in range(3):
            _log_in(page, url, "lan", "không-phải-mật-khẩu")
        expect(page.locator("#password-error")).to_contain_text("phút")
        _log_in(page, url, "lan", PASSWORD)  # the right password, refused while locked
        expect(page.locator("#password-error")).to_contain_text("phút")
        context.close()

        operator = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = operator.new_page()
        _log_in(page, url, "op", PASSWORD)
        page.get_by_role("link", name="Nhật ký").click()
        expect(page.locator("#audit")).to_contain_text("login-locked-out")
        expect(page.locator("#audit")).to_contain_text(
            "Khóa đăng nhập tên người dùng sau nhiều lần sai mật khẩu"
        )
        page.screenshot(path=SCREENSHOTS / "console-audit.png", full_page=True)
        page.get_by_role("link", name="Đăng nhập", exact=True).click()
        expect(page.locator("#logins")).to_contain_text("Bị từ chối (đang khóa)")
        page.get_by_role("link", name="Người dùng").click()
        expect(page.locator("#users")).to_contain_text("Bị khóa đăng nhập đến")
        expect(page.locator("#unlock-2")).to_have_count(0)  # an operator reads, does not change
        operator.close()

        admin = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = admin.new_page()
        _log_in(page, url, "admin", PASSWORD)
        page.goto(f"{url}/console/operator/users")
        row = page.locator("#users tr", has_text="Nguyễn Thị Lan")
        expect(row).to_contain_text("Bị khóa đăng nhập đến")
        page.screenshot(path=SCREENSHOTS / "console-users.png", full_page=True)
        row.get_by_role("button", name="Mở khóa").click()
        expect(page.locator("[role=status]")).to_contain_text("Đã lưu thay đổi")
        expect(page.locator("#users")).not_to_contain_text("Bị khóa đăng nhập đến")
        page.goto(f"{url}/console/operator/audit?target=lan")
        expect(page.locator("#audit")).to_contain_text("user-unlocked")
        admin.close()

        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        small = phone.new_page()
        _log_in(small, url, "op", PASSWORD)
        small.goto(f"{url}/console/operator/audit")
        expect(small.locator("#audit")).to_be_visible()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"the audit log scrolls sideways on a phone ({width} px)"
        phone.close()

        lan = browser.new_context(ignore_https_errors=True)
        page = lan.new_page()
        _log_in(page, url, "lan", PASSWORD)
        expect(page.locator("#inbox, main p").first).to_be_visible()
        assert page.url.endswith("/console/inbox"), "lan, unlocked, logs in"
        lan.close()
