"""The portal in a real browser (Debian chromium through Playwright): the pages a citizen and an
administrator see, used with the keyboard, in both languages; screenshots go to docs/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding
from playwright.sync_api import Browser, expect

from directory.directory_servers import Clock, running_directory
from lienthong.net import client_context
from lienthong.statistics import StatisticsClient
from portal.portal_support import HANOI, register_node, report
from support.browser import SCREENSHOTS, browser
from support.pki import Tls, self_signed

__all__ = ["browser"]  # the fixture, imported for pytest

UNIT = "000.00.01.H26"
SUCCESSOR = "000.00.02.H26"


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
        expect(page.locator("body")).to_contain_text("node-a")  # the admin's own screenshot: below

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


def test_an_admin_opens_and_closes_an_agency_and_sees_it_audited(
    browser: Browser, tmp_path: Path, tls: Tls
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{tmp_path / 'directory.db'}"
    with running_directory(database_url, tmp_path / "dir", tls, clock=Clock()) as directory:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{directory.url}/portal/login")
        page.locator("input[name=token]").fill(directory.tokens["alice"])
        page.locator("input[name=token]").press("Enter")

        page.get_by_role("link", name="Danh bạ cơ quan").click()
        page.locator("#q").fill("ha noi")  # without diacritics
        page.locator("#q").press("Enter")
        expect(page.locator("#agency-list")).to_contain_text(HANOI)

        for code, name in ((SUCCESSOR, "Sở Nội vụ thành phố Hà Nội"), (UNIT, "Sở Nội vụ Hà Nội")):
            page.locator("#code").fill(code)
            page.locator("#name").fill(name)
            page.locator("#parent").fill(HANOI)
            page.locator("#valid_from").fill("2025-01-01")
            page.locator("#valid_from").press("Enter")
            expect(page.locator("[role=status]")).to_be_visible()
            if code == SUCCESSOR:
                page.get_by_role("link", name="Danh bạ cơ quan").click()

        page.locator("#on").fill("2025-06-01")
        page.locator("#successor").fill("000.00.09.H26")  # not registered: refused next to the field
        page.locator("#successor").press("Enter")
        expect(page.locator("#successor-error")).to_be_visible()
        expect(page.locator("#successor")).to_have_attribute("aria-invalid", "true")
        page.locator("#successor").fill(SUCCESSOR)
        page.locator("#successor").press("Enter")
        expect(page.locator("#agency-state")).to_contain_text("đã đóng")
        expect(page.locator("#agency-successor")).to_contain_text(SUCCESSOR)

        page.get_by_role("link", name="Nhật ký thay đổi").first.click()
        page.locator("#actor").fill("alice")
        page.locator("#actor").press("Enter")
        first = page.locator("#audit tbody tr").first
        expect(first).to_contain_text("đóng mã")
        expect(first).to_contain_text(UNIT)
        expect(first).to_contain_text("alice")
        page.screenshot(path=SCREENSHOTS / "portal-admin.png", full_page=True)

        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        small = phone.new_page()
        small.goto(f"{directory.url}/portal/login")
        small.locator("input[name=token]").fill(directory.tokens["alice"])
        small.locator("input[name=token]").press("Enter")
        for section in (f"agencies/{UNIT}", "agencies", "nodes", "certificates", "crls", "audit"):
            small.goto(f"{directory.url}/portal/admin/{section}")
            width = small.evaluate("document.documentElement.scrollWidth")
            assert width <= 400, f"the admin's {section} page scrolls sideways on a phone ({width} px)"
        phone.close()
        context.close()


def test_an_admin_sees_which_certificates_end_soon(browser: Browser, tmp_path: Path, tls: Tls) -> None:
    """The certificates page at a phone's width: the binding ending in ten days is warned in words."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{tmp_path / 'directory.db'}"
    clock = Clock()
    with running_directory(database_url, tmp_path / "dir", tls, clock=clock) as directory:
        soon = self_signed("Văn thư Hà Nội", not_before=clock() - timedelta(days=355), days=365)
        later = self_signed("Văn thư Hà Nội (mới)", not_before=clock() - timedelta(days=1), days=730)
        for certificate in (soon, later):
            pem = certificate.public_bytes(Encoding.PEM).decode("ascii")
            directory.registry.bind_certificate(HANOI, pem, actor="setup")
        register_node(directory.registry, tls)
        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        page = phone.new_page()
        page.goto(f"{directory.url}/portal/login")
        page.locator("input[name=token]").fill(directory.tokens["alice"])
        page.locator("input[name=token]").press("Enter")
        page.goto(f"{directory.url}/portal/admin/certificates")
        expect(page.locator("#expiry-summary")).to_contain_text("Văn thư Hà Nội: còn 10 ngày")
        warned = page.locator("#binding-list strong.expiry")
        expect(warned).to_have_count(1)
        expect(warned).to_have_text("Sắp hết hạn: còn 10 ngày")
        expect(page.locator("#binding-list span.expiry")).to_contain_text("còn 729 ngày")
        page.screenshot(path=SCREENSHOTS / "portal-certificate-expiry.png", full_page=True)
        phone.close()
