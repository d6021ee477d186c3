"""The inbox list in a real browser (Debian chromium through Playwright) on two nodes: nghe-an
sends documents to vpcp, whose console is served over TLS in a thread. Search finds a document
by its number without diacritics (``qd-ttg`` finds ``QĐ-TTg``), typed and sent from the
keyboard; the filters and pages keep to a phone's width. Screenshot:
docs/screenshots/console-inbox-search.png."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from console.console_support import PASSWORD, clock, served_over_tls, users_at
from console.list_support import seed
from lienthong.console import create_console
from lienthong.trust import sign_pdf
from node.node_network import SENDER, Network
from support.browser import SCREENSHOTS, browser
from trust.trust_pdf import minimal_pdf

__all__ = ["browser"]  # the fixture, imported for pytest

COUNT = 60  # two pages


def _log_in(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("#user").fill("lan")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")


def test_search_finds_a_document_by_number_without_diacritics(
    browser: Browser, network: Network, tmp_path: Path
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1) as pool:  # signing runs its own event loop
        pdf = pool.submit(sign_pdf, minimal_pdf("Cong van"), network.pki.signers[SENDER]).result(timeout=60)
        pool.submit(lambda: seed(network, COUNT, pdf=pdf)).result(timeout=300)
    app = create_console(network.receiver, users=users_at(tmp_path / "home"), clock=clock)
    with served_over_tls(app, network) as url:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _log_in(page, f"{url}/console/inbox")
        expect(page.locator("#total")).to_contain_text(f"{COUNT} văn bản")
        expect(page.locator("#next")).to_be_visible()

        page.locator("#q").fill("qd-ttg 35")
        page.locator("#q").press("Enter")  # the GET form, from the keyboard
        expect(page.locator("#total")).to_contain_text("1 văn bản")
        expect(page.locator("#inbox")).to_contain_text("35/QĐ-TTg")
        expect(page.locator("#inbox")).to_contain_text("Quyết định về việc giao chỉ tiêu số 35")
        expect(page.locator("#inbox")).to_contain_text("Hợp lệ")  # the PDF's verdict, checked once
        assert "q=qd-ttg+35" in page.url  # the address keeps the search
        page.screenshot(path=SCREENSHOTS / "console-inbox-search.png", full_page=True)

        page.locator("#q").fill("qd-ttg")
        page.locator("#urgency").select_option("3")
        page.locator("#apply").click()
        expected = [n for n in range(1, COUNT + 1) if n % 7 == 0 and n % 4 == 3]
        expect(page.locator("#total")).to_contain_text(f"{len(expected)} văn bản")
        page.get_by_role("link", name=f"Công văn đôn đốc số {expected[0]}").click()
        expect(page.locator("h1")).to_contain_text(f"Công văn đôn đốc số {expected[0]}")
        context.close()

        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 375, "height": 812}, is_mobile=True
        )
        small = phone.new_page()
        _log_in(small, f"{url}/console/inbox")
        small.goto(f"{url}/console/inbox?q=quyet+dinh")
        expect(small.locator("#inbox")).to_contain_text("Quyết định")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the inbox scrolls sideways on a phone ({width} px)"
        phone.close()
