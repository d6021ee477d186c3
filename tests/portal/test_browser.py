"""The portal in a real browser (Debian chromium through Playwright): the pages a citizen and an
administrator see, used with the keyboard, in both languages; screenshots go to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from directory.directory_servers import Clock, running_directory
from lienthong.net import client_context
from lienthong.statistics import StatisticsClient
from portal.portal_support import HANOI, register_node, report
from support.browser import SCREENSHOTS, browser
from support.pki import Tls

__all__ = ["browser"]  # the fixture, imported for pytest


def test_portal_in_a_browser(browser: Browser, tmp_path: Path, tls: Tls) -> None:
    clock = Clock()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{tmp_path / 'directory.db'}"
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        register_node(directory.registry, tls)
        node_tls = client_context(anchors=tls.root, certificate=tls.node[0], key=tls.node[1])
        with StatisticsClient(directory.url, tls=node_tls) as client:
            client.send(report(tls, sent=1200))
            client.send(report(tls, sent=30, day=clock().date()))
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()

        page.goto(f"{directory.url}/portal/")
        expect(page.locator("#month-documents")).to_have_text("1.230")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        page.screenshot(path=SCREENSHOTS / "portal-overview.png", full_page=True)

        page.goto(f"{directory.url}/portal/agencies")
        search = page.locator("input[name=q]")
        search.fill("hà nội")
        search.press("Enter")  # the form works from the keyboard
        expect(page.locator("body")).to_contain_text(HANOI)
        page.screenshot(path=SCREENSHOTS / "portal-agencies.png", full_page=True)

        page.goto(f"{directory.url}/portal/?lang=en")
        expect(page.locator("body")).to_contain_text("Documents this month")
        page.goto(f"{directory.url}/portal/?lang=vi")

        page.goto(f"{directory.url}/portal/login")
        page.locator("input[name=token]").fill("wrong")
        page.locator("input[name=token]").press("Enter")
        expect(page.locator("#token-error")).to_be_visible()  # next to the field, not an error page
        page.locator("input[name=token]").fill(directory.tokens["alice"])
        page.locator("input[name=token]").press("Enter")
        expect(page.locator("body")).to_contain_text("node-a")
        page.screenshot(path=SCREENSHOTS / "portal-admin.png")  # its tables run long: the first screen

        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        small = phone.new_page()
        small.goto(f"{directory.url}/portal/")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"the overview scrolls sideways on a phone ({width} px)"
        small.screenshot(path=SCREENSHOTS / "portal-phone.png", full_page=True)
        phone.close()
        context.close()
