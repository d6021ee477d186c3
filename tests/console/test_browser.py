"""The console in a real browser (Debian chromium through Playwright), served over TLS in a
thread: log in, open an incoming document, register it and finish it, compose and send one, and
watch its timeline change without reloading. Screenshots go to docs/screenshots/."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser, FilePayload, expect

from console.console_support import PASSWORD, clock, deliver, send_signed_document, served_over_tls, users_at
from lienthong.console import create_console
from lienthong.edxml import Organization, ResponseFor, StatusCode, StatusPackage, write_package
from lienthong.node import submit
from lienthong.store import NodeStore
from node.node_network import AT, RECIPIENT, SENDER, Network
from support.browser import SCREENSHOTS, browser
from trust.trust_pdf import minimal_pdf

__all__ = ["browser"]  # the fixture, imported for pytest
T = TypeVar("T")


def _off_loop(function: Callable[[], T]) -> T:
    """Run node work in another thread: Playwright's sync API keeps a loop running in this one,
    and PDF signing and verification call ``asyncio.run``."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result(timeout=120)


def _register_at_sender(network: Network) -> None:
    """H41 (nghe-an) registers the document G22 sent it, and the status travels back."""
    with NodeStore.begin(network.sender.database, write=False) as store:
        received = store.inbox(recipient=SENDER)
    package = StatusPackage(
        from_=Organization(organ_id=SENDER),
        response_for=ResponseFor(organ_id=RECIPIENT, document_id=received[-1].document_id),
        status_code=StatusCode.REGISTERED,
        timestamp=AT,
    )
    submit(network.sender, write_package(package), at=AT)
    deliver(network)


def test_console_in_a_browser(browser: Browser, network: Network, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _off_loop(lambda: send_signed_document(network, "12"))
    app = create_console(network.receiver, users=users_at(tmp_path / "home"), clock=clock)
    with served_over_tls(app, network) as url:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{url}/console/inbox")
        page.locator("#user").fill("lan")
        page.locator("#password").fill(PASSWORD)
        page.locator("#password").press("Enter")  # keyboard only
        expect(page.locator("#inbox")).to_contain_text("V/v triển khai văn bản số 12")
        expect(page.locator("#inbox")).to_contain_text("Hợp lệ")
        page.screenshot(path=SCREENSHOTS / "console-inbox.png", full_page=True)

        page.get_by_role("link", name="V/v triển khai văn bản số 12").click()
        expect(page.locator("#signatures")).to_contain_text("Hợp lệ")
        page.locator("#do-03").click()
        expect(page.locator("#timeline")).to_contain_text("03 · Đã tiếp nhận")
        page.locator("#desc-06").fill("Đã xử lý xong")
        page.locator("#do-06").click()
        expect(page.locator("#timeline")).to_contain_text("Đã xử lý xong")
        expect(page.locator("#do-06")).to_have_count(0)
        page.screenshot(path=SCREENSHOTS / "console-document.png", full_page=True)

        page.goto(f"{url}/console/compose")
        page.locator("#number").fill("88")
        page.locator("#notation").fill("VPCP-TTĐT")
        page.locator("#subject").fill("V/v phúc đáp văn bản số 12")
        page.locator("#q").fill("nghe an")
        page.locator(f"input[name=to][value='{SENDER}']").check()
        pdf: FilePayload = {
            "name": "phuc-dap.pdf",
            "mimeType": "application/pdf",
            "buffer": minimal_pdf("Phuc dap"),
        }
        page.locator("#files").set_input_files(files=[pdf])
        page.screenshot(path=SCREENSHOTS / "console-compose.png", full_page=True)
        page.locator("#send").click()
        expect(page.locator("#recipients")).to_contain_text(SENDER)

        _off_loop(lambda: deliver(network))
        _off_loop(lambda: _register_at_sender(network))
        # the page polls timeline.json: the sender's 03 appears without a reload
        expect(page.locator("#recipients")).to_contain_text("03 · Đã tiếp nhận", timeout=20_000)
        expect(page.locator("#recipients")).to_contain_text("Đã chuyển")

        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        small = phone.new_page()
        small.goto(f"{url}/console/inbox")
        small.locator("#user").fill("lan")
        small.locator("#password").fill(PASSWORD)
        small.locator("#password").press("Enter")
        expect(small.locator("#inbox")).to_be_visible()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"the inbox scrolls sideways on a phone ({width} px)"
        phone.close()
        context.close()
