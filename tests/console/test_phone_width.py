"""The clerk's day in a real browser (Debian chromium through Playwright), both nodes' consoles
served over TLS: register a document with its arrival number, assign it, compose a reply with
its signer and urgency, follow it on the sent page; then every one of those pages at a phone's
width (375 px) without sideways scrolling. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI
from playwright.sync_api import Browser, FilePayload, Page, ViewportSize, expect

from console.console_support import PASSWORD, clock, deliver, send_signed_document, served_over_tls, users_at
from lienthong.console import create_console
from node.node_network import RECIPIENT, Network
from support.browser import SCREENSHOTS, browser
from trust.trust_pdf import minimal_pdf

__all__ = ["browser"]  # the fixture, imported for pytest
T = TypeVar("T")
PHONE: ViewportSize = {"width": 375, "height": 800}


def _off_loop(function: Callable[[], T]) -> T:
    """Node work in another thread: Playwright's sync API keeps a loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result(timeout=120)


@contextmanager
def _served(app: FastAPI, network: Network, name: str) -> Iterator[str]:
    with served_over_tls(app, network, name) as url:
        yield url


def _login(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/console/login")
    page.locator("#user").fill(name)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")  # keyboard only
    expect(page.locator("#main h1")).to_be_visible()


def _no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways on a phone ({width} px)"


def test_the_clerks_day_in_a_browser_and_at_a_phones_width(
    browser: Browser, network: Network, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    item_id = _off_loop(lambda: send_signed_document(network, "12"))
    users = users_at(tmp_path / "home")
    receiver = create_console(network.receiver, users=users, clock=clock)
    sender = create_console(network.sender, users=users, clock=clock)
    with _served(receiver, network, "vpcp") as vpcp, _served(sender, network, "nghe-an") as nghe_an:
        desk = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = desk.new_page()
        page.goto(f"{vpcp}/console/login")
        expect(page.locator("#node")).to_contain_text("Văn phòng Chính phủ")
        _login(page, vpcp, "lan")
        page.goto(f"{vpcp}/console/inbox/{item_id}")
        expect(page.locator("#arrival_number")).to_have_value("1")
        page.locator("#arrival_number").fill("15")
        page.locator("#do-03").click()
        expect(page.locator("#arrival")).to_contain_text("15")
        expect(page.locator("#timeline")).to_contain_text("lan")
        leader = desk.new_page()
        _login(leader, vpcp, "minh")
        leader.goto(f"{vpcp}/console/inbox/{item_id}")
        leader.locator("#assignee").select_option("lan")
        leader.locator("#do-04").click()
        expect(leader.locator("#timeline")).to_contain_text("04 · ")
        expect(leader.locator("#timeline")).to_contain_text("minh")
        leader.screenshot(path=SCREENSHOTS / "console-register.png", full_page=True)

        clerk = desk.new_page()
        _login(clerk, nghe_an, "hoa")
        clerk.goto(f"{nghe_an}/console/compose")
        clerk.locator("#kind").select_option(label="Tờ trình")
        clerk.locator("#urgency").select_option("2")
        clerk.locator("#number").fill("90")
        clerk.locator("#notation").fill("TTr-UBND")
        clerk.locator("#subject").fill("Tờ trình về phương án sắp xếp")
        clerk.locator("#due_date").fill("2027-01-15")
        clerk.locator("#competence").select_option("TM.")
        clerk.locator("#on_behalf_of").fill("ỦY BAN NHÂN DÂN")
        clerk.locator("#position").fill("CHỦ TỊCH")
        clerk.locator("#signer_name").fill("Nguyễn Văn A")
        clerk.locator("#q").fill("van phong chinh")  # without diacritics, filtered as one types
        expect(clerk.locator(f"li[data-code='{RECIPIENT}']")).to_be_visible()
        expect(clerk.locator("li[data-code='000.00.00.H26']")).to_be_hidden()
        clerk.locator(f"input[name=to][value='{RECIPIENT}']").check()
        pdf: FilePayload = {
            "name": "to-trinh.pdf",
            "mimeType": "application/pdf",
            "buffer": minimal_pdf("To trinh"),
        }
        clerk.locator("#files").set_input_files(files=[pdf])
        clerk.screenshot(path=SCREENSHOTS / "console-compose.png", full_page=True)
        clerk.locator("#send").click()
        expect(clerk.locator("#recipients")).to_contain_text("Văn phòng Chính phủ")
        sent_url = clerk.url.split("?")[0]
        _off_loop(lambda: deliver(network))
        expect(clerk.locator("#recipients")).to_contain_text("Đã chuyển", timeout=20_000)
        expect(clerk.locator("#attachments")).to_contain_text("to-trinh.pdf")
        clerk.screenshot(path=SCREENSHOTS / "console-sent.png", full_page=True)
        desk.close()

        phone = browser.new_context(ignore_https_errors=True, viewport=PHONE, is_mobile=True)
        small = phone.new_page()
        _login(small, vpcp, "lan")
        for path, what in (
            (f"{vpcp}/console/inbox", "the inbox"),
            (f"{vpcp}/console/inbox/{item_id}", "a document"),
        ):
            small.goto(path)
            _no_sideways_scroll(small, what)
        other = phone.new_page()
        _login(other, nghe_an, "hoa")
        for path, what in ((f"{nghe_an}/console/compose", "compose"), (sent_url, "the sent page")):
            other.goto(path)
            _no_sideways_scroll(other, what)
        assert re.match(r"https://", sent_url)
        phone.close()
