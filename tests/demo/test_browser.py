"""`lienthong demo` as a person follows it, in a real browser (Debian chromium through Playwright):
run it, read the URLs and logins it prints (only what it prints), log into the portal with the
admin token and into two consoles (a clerk of Bộ Nội vụ, a leader of Văn phòng Chính phủ), find
in each inbox a document the demo sent to that agency, and see the portal count the documents
the demo says it sent within 30 s of the traffic's end. The browser reaches loopback only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Route, expect

from demo.demo_process import read_until, stop, text
from support.browser import browser

__all__ = ["browser"]  # the fixture, imported for pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 12
#: The issue's promise: the portal is right this long after the demo's traffic ends.
PORTAL_WITHIN = 30.0
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})  # hostnames as urlsplit gives them


@dataclass(frozen=True, slots=True)
class _Printed:
    """What the demo printed, as a person reads it."""

    documents_sent: int
    traffic_end: float  # time.monotonic() when its final table was read
    portal: str
    admin: str
    admin_token: str
    consoles: dict[str, str]  # agency code → console URL
    logins: dict[tuple[str, str], tuple[str, str]]  # (role word, agency) → (user, password)
    codes: frozenset[str]  # every agency code the nodes list


def _read_until_serving(process: subprocess.Popen[bytes], *, timeout: float) -> tuple[str, float]:
    """The demo's output until it says the network is running, and when its final table came."""
    lines = read_until(process, "Mạng đang chạy", timeout=timeout)
    table_at = next((at for at, line in lines if "văn bản đã gửi" in line), 0.0)
    return text(lines), table_at


def _parse(out: str, traffic_end: float) -> _Printed:
    sent = re.search(r"văn bản đã gửi\s*│\s*(\d+)\s*│", out)
    portal = re.search(r"Cổng thông tin thống kê: (\S+)  quản trị viên (\S+), mã đăng nhập (\S+)", out)
    assert sent and portal, out
    consoles: dict[str, str] = {}
    # A node's line names its agencies in brackets; its console URL is on the next line.
    for listed, url in re.findall(r"\(([0-9A-Z., …]+)\): liên thông .*\n  Bàn làm việc: (\S+)", out):
        for code in re.findall(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", listed):
            consoles[code] = url
    logins = {
        (role, code): (user, password)
        for role, code, user, password in re.findall(
            r"    (văn thư|lãnh đạo) (\S+): tên (\S+)  mật khẩu (\S+)", out
        )
    }
    codes = frozenset(code for _, code in logins)
    return _Printed(int(sent[1]), traffic_end, portal[1], portal[2], portal[3], consoles, logins, codes)


def _log_into_console(page: Page, url: str, login: tuple[str, str]) -> None:
    page.goto(url)  # no session yet: the console sends a person to its login form, then back
    expect(page).to_have_url(re.compile(r"/console/login"))
    page.locator("#user").fill(login[0])
    page.locator("#password").fill(login[1])
    page.locator("#password").press("Enter")  # keyboard only
    expect(page).to_have_url(f"{url}inbox")


def _finds_a_document_sent_to(page: Page, agency: str, senders: frozenset[str]) -> str:
    """A row of the inbox addressed to ``agency`` from another of the demo's agencies, opened.
    The inbox's columns: received, number, subject, sender, recipient, status, PDF signature."""
    rows = page.locator("#inbox tbody tr").filter(has=page.locator("td:nth-child(5)", has_text=agency))
    expect(rows.first).to_be_visible()
    row = rows.first
    # The sender by its registry name, its code in brackets: "UBND thành phố Hà Nội (000.00.00.H26)".
    sender = row.locator("td:nth-child(4)").inner_text().strip().rsplit("(", 1)[-1].rstrip(")")
    assert sender in senders and sender != agency, sender
    subject = row.locator("td:nth-child(3) a").inner_text().strip()
    assert subject.startswith("Về việc"), subject
    row.locator("td:nth-child(3) a").click()
    expect(page.locator("main")).to_contain_text(subject)
    return subject


def _portal_documents(page: Page, portal: str, expected: str, *, until: float) -> str:
    """The portal's documents figure, reloaded until it reads ``expected`` or ``until`` passes
    (nodes report every few seconds in the demo)."""
    page.goto(portal)
    figure = page.locator("#total-documents").inner_text().strip()
    while figure != expected and time.monotonic() < until:
        page.wait_for_timeout(1000)
        page.reload()
        figure = page.locator("#total-documents").inner_text().strip()
    return figure


def test_a_person_follows_the_demo_output_to_the_portal_and_two_consoles(
    browser: Browser, tmp_path: Path
) -> None:
    # Vietnamese whatever LIENTHONG_LANG says: the words read below are the Vietnamese ones.
    command = [
        sys.executable, "-m", "lienthong.cli", "--lang", "vi", "demo", "--documents", str(DOCUMENTS),
        "--state-dir", str(tmp_path / "state"), "--samples", str(ROOT / "samples"),
    ]  # fmt: skip
    env = {**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, bufsize=0)
    attempted_outside: list[str] = []
    loopback: list[str] = []

    def loopback_only(route: Route) -> None:
        if urlsplit(route.request.url).hostname in _LOOPBACK:
            loopback.append(route.request.url)
            route.continue_()
        else:
            attempted_outside.append(route.request.url)
            route.abort()

    try:
        out, traffic_end = _read_until_serving(process, timeout=240)
        assert "Mạng đang chạy" in out and traffic_end, out[-3000:]
        printed = _parse(out, traffic_end)
        assert printed.documents_sent == DOCUMENTS, out[-3000:]
        context = browser.new_context(
            ignore_https_errors=True, locale="vi-VN", viewport={"width": 1280, "height": 900}
        )
        context.route("**/*", loopback_only)
        page = context.new_page()

        page.goto(f"{printed.portal}login")
        page.locator("input[name=token]").fill(printed.admin_token)
        page.locator("input[name=token]").press("Enter")
        expect(page.locator("main")).to_contain_text(f"Đăng nhập với tên {printed.admin}")

        # Documents counted once: the figure is what the demo sent, not sent plus received.
        expected = f"{printed.documents_sent:,}".replace(",", ".")
        until = printed.traffic_end + PORTAL_WITHIN
        figure = _portal_documents(page, printed.portal, expected, until=until)
        assert figure == expected, f"the portal shows {figure!r} documents, the demo sent {expected}"
        page.screenshot(path=tmp_path / "portal.png", full_page=True)

        for role, agency in (("văn thư", "000.00.00.G09"), ("lãnh đạo", "000.00.00.G22")):
            console = context.new_page()
            _log_into_console(console, printed.consoles[agency], printed.logins[(role, agency)])
            _finds_a_document_sent_to(console, agency, printed.codes)
            console.screenshot(path=tmp_path / f"console-{agency}.png", full_page=True)
            console.close()
        context.close()
        assert loopback, "the route saw no request: nothing was checked"
        assert attempted_outside == [], attempted_outside
    finally:
        stop(process)
    assert process.returncode == 0, process.returncode
