"""Across real processes, in a real browser (Debian chromium through Playwright): a clerk of Văn
phòng Chính phủ composes and sends a signed document in vpcp's console; it arrives in the console
of Bộ Nội vụ (another node, over mutual TLS), whose clerk registers and finishes it; the sender's
timeline follows without a reload, the receiving clerk finds it by its notation typed without
diacritics, and the national portal's totals grow from the nodes' signed
statistics reports. Screenshots of each page go to docs/screenshots/cross-node-*.png."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import Browser, FilePayload, Page, expect

from lienthong.console import Role, UserFile
from lienthong.demo import DemoNetwork, sample_pdf
from portal.live_network import NOI_VU, VPCP, reporting_network
from support.browser import SCREENSHOTS, browser

__all__ = ["browser"]  # the fixture, imported for pytest

PASSWORD = "mật-khẩu-thử-1"
SUBJECT = "V/v thử liên thông giữa hai điểm kết nối"


def _node(network: DemoNetwork, name: str) -> tuple[str, Path]:
    """(console's base URL, home) of node ``name``."""
    node = next(n for n in network.nodes if n.plan.name == name)
    return node.api_url, node.home


def _log_in(page: Page, base: str, user: str) -> None:
    page.goto(f"{base}/console/login")
    page.locator("#user").fill(user)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    expect(page.locator("#user")).to_have_count(0)


def _reload_until(
    page: Page, url: str, selector: str, text: str, *, exact: bool = False, timeout: float = 180.0
) -> None:
    """Open ``url`` again until ``selector`` shows ``text`` (pages that do not refresh themselves)."""

    def shown() -> bool:
        found = page.locator(selector).inner_text().strip()
        return found == text if exact else text in found

    deadline = time.monotonic() + timeout
    page.goto(url)
    while not shown():
        assert time.monotonic() < deadline, f"{text!r} did not appear in {selector} of {url}"
        page.wait_for_timeout(500)
        page.goto(url)


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"cross-node-{name}.png", full_page=True)


def test_a_document_across_two_nodes_in_the_consoles_and_the_portal(browser: Browser, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with reporting_network(tmp_path / "state") as network:
        (vpcp, vpcp_home), (noi_vu, noi_vu_home) = _node(network, "vpcp"), _node(network, "bo-noi-vu")
        UserFile.in_home(vpcp_home).add("lan", PASSWORD, roles=[Role.CLERK], codes=[VPCP])
        UserFile.in_home(noi_vu_home).add("tuan", PASSWORD, roles=[Role.CLERK], codes=[NOI_VU])
        # One browser profile per person: both consoles are on 127.0.0.1, and cookies ignore ports.
        people = [
            browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
            for _ in range(3)
        ]
        portal = f"{network.directory_url}/portal/"
        # Before: the nodes' first reports hold no document.
        overview = people[0].new_page()
        _reload_until(overview, portal, "#total-documents", "0", exact=True)

        sender = people[1].new_page()
        _log_in(sender, vpcp, "lan")
        sender.goto(f"{vpcp}/console/compose")
        sender.locator("#number").fill("15")
        sender.locator("#notation").fill("VPCP-TTĐT")
        sender.locator("#subject").fill(SUBJECT)
        sender.locator("#q").fill("noi vu")
        sender.locator(f"input[name=to][value='{NOI_VU}']").check()
        pdf: FilePayload = {
            "name": "cong-van.pdf",
            "mimeType": "application/pdf",
            "buffer": sample_pdf("Cong van 15"),
        }
        sender.locator("#files").set_input_files(files=[pdf])
        _shot(sender, "1-compose")
        sender.locator("#send").click()
        expect(sender.locator("#recipients")).to_contain_text(NOI_VU)
        _shot(sender, "2-sent")

        receiver = people[2].new_page()
        _log_in(receiver, noi_vu, "tuan")
        _reload_until(receiver, f"{noi_vu}/console/inbox", "#inbox", SUBJECT)
        # Found by its notation typed without diacritics (VPCP-TTĐT as "vpcp-ttdt 15").
        receiver.locator("#q").fill("vpcp-ttdt 15")
        receiver.locator("#q").press("Enter")
        expect(receiver.locator("#total")).to_contain_text("1")
        expect(receiver.locator("#inbox")).to_contain_text(SUBJECT)
        _shot(receiver, "3-inbox")
        receiver.get_by_role("link", name=SUBJECT).click()
        expect(receiver.locator("#signatures")).to_contain_text("Hợp lệ")
        receiver.locator("#do-03").click()
        expect(receiver.locator("#timeline")).to_contain_text("03 · Đã tiếp nhận")
        receiver.locator("#desc-06").fill("Đã xử lý xong")
        receiver.locator("#do-06").click()
        expect(receiver.locator("#timeline")).to_contain_text("Đã xử lý xong")
        _shot(receiver, "4-document")

        # Back at the sender's page (a hidden page's timers are throttled), which polls its
        # timeline: the answers from the other node appear without a reload.
        sender.bring_to_front()
        expect(sender.locator("#recipients")).to_contain_text("03 · Đã tiếp nhận", timeout=120_000)
        expect(sender.locator("#recipients")).to_contain_text("Đã xử lý xong", timeout=120_000)
        _shot(sender, "5-timeline")

        # One document sent (vpcp's report) and received (bo-noi-vu's): one document in the portal.
        overview.bring_to_front()
        _reload_until(overview, portal, "#total-received", "1", exact=True)
        _reload_until(overview, portal, "#total-documents", "1", exact=True)
        expect(overview.locator("#signed-share")).to_have_text("100,0 %")  # the console signed the PDF
        _shot(overview, "6-portal")
        _reload_until(overview, f"{portal}agencies?q=nội vụ", "body", NOI_VU)
        _shot(overview, "7-portal-agencies")
        for context in people:
            context.close()
