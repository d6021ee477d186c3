"""Signatures people see, in a real browser (Debian chromium through Playwright, console over TLS
in a thread): an administrator sets the appearance with the keyboard and file inputs, and a
clerk reads a received document signed with the Decree 30 appearance, its pages beside its
signature report. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from playwright.sync_api import Browser, FilePayload, expect

from console.console_support import PASSWORD, clock, deliver, served_over_tls, users_at
from lienthong.console import create_console
from lienthong.edxml import DocumentBuilder, write_package
from lienthong.node import AppearanceSettings, save_appearance, sign_pdfs, submit
from node.node_network import AT, RECIPIENT, SENDER, Network
from support.browser import SCREENSHOTS, browser
from support.images import seal_png, signature_png
from trust.trust_pdf import minimal_pdf

__all__ = ["browser"]  # the fixture, imported for pytest
T = TypeVar("T")
#: An image has arrived and been decoded (a page image is rendered on request).
_LOADED = "s => { const i = document.querySelector(s); return !!i && i.complete && i.naturalWidth > 0; }"


def _off_loop(function: Callable[[], T]) -> T:
    """Node work in another thread: Playwright's sync API keeps a loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result(timeout=120)


def _send_with_appearance(network: Network, folder: Path) -> None:
    """H41 signs a document and its annex with its Decree 30 appearance and sends them to G22."""
    settings = AppearanceSettings(
        title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        name="Nguyễn Văn Ánh",
        box=(300, 120, 560, 330),
        seal_width=96,
        signature_png=signature_png(),
        seal_png=seal_png(),
    )
    save_appearance(folder, SENDER, settings)
    node = dataclasses.replace(network.sender, appearance_dir=folder)
    files = [("cong-van-125.pdf", minimal_pdf("Cong van so 125")), ("phu-luc.pdf", minimal_pdf("Phu luc"))]
    signed = sign_pdfs(node, SENDER, files, number="125/UBND-VP", agency_name="UBND tỉnh Nghệ An")
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code("125", "UBND-VP")
    builder = builder.subject("V/v triển khai chữ ký số trên văn bản điện tử").recipient(RECIPIENT)
    for name, data in signed:
        builder = builder.attach(name, data, content_type="application/pdf")
    submit(node, write_package(builder.build(at=AT)), at=AT)
    deliver(network)


def _login(page: object, url: str, user: str) -> None:
    page.goto(f"{url}/console/inbox")  # type: ignore[attr-defined]
    page.locator("#user").fill(user)  # type: ignore[attr-defined]
    page.locator("#password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.locator("#password").press("Enter")  # type: ignore[attr-defined]


def test_signatures_people_see_in_a_browser(browser: Browser, network: Network, tmp_path: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _off_loop(lambda: _send_with_appearance(network, tmp_path / "nghe-an-appearance"))
    node = dataclasses.replace(network.receiver, appearance_dir=tmp_path / "vpcp-appearance")
    app = create_console(node, users=users_at(tmp_path / "home"), clock=clock)
    with served_over_tls(app, network) as url:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _login(page, url, "admin")
        page.get_by_role("link", name="Chữ ký hiển thị").click()
        expect(page.locator("#no-settings")).to_be_visible()
        page.locator("#title").fill("KT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM")
        page.locator("#name").fill("Trần Thị Bình")
        images: list[tuple[str, bytes]] = [("signature", signature_png()), ("seal", seal_png())]
        for field, data in images:
            upload: FilePayload = {"name": f"{field}.png", "mimeType": "image/png", "buffer": data}
            page.locator(f"#{field}").set_input_files(files=[upload])
        page.locator("#save").press("Enter")
        expect(page.locator("#saved")).to_be_visible()
        expect(page.locator("#preview")).to_be_visible()
        page.wait_for_function(_LOADED, arg="#preview")
        assert page.locator("#preview").evaluate("img => img.naturalWidth") == 595
        page.screenshot(path=SCREENSHOTS / "console-appearance.png", full_page=True)
        context.close()

        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _login(page, url, "lan")
        page.get_by_role("link", name="V/v triển khai chữ ký số trên văn bản điện tử").click()
        signatures = page.locator("#signatures")
        expect(signatures).to_contain_text("UBND tỉnh Nghệ An")
        expect(signatures).to_contain_text("Hiệu lực chứng thư số")
        expect(signatures).to_contain_text("Hiển thị ở trang")
        signatures.get_by_role("link", name="Xem từng trang").first.click()
        expect(page.locator("#signature-report")).to_contain_text("Hợp lệ")
        image = page.locator("#page-1 img")
        expect(image).to_be_visible()
        page.wait_for_function(_LOADED, arg="#page-1 img")
        assert image.evaluate("img => img.naturalWidth") > 800
        page.screenshot(path=SCREENSHOTS / "console-signatures.png", full_page=True)
        context.close()

        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 390, "height": 844}, is_mobile=True
        )
        small = phone.new_page()
        _login(small, url, "lan")
        small.get_by_role("link", name="V/v triển khai chữ ký số trên văn bản điện tử").click()
        small.locator("#signatures").get_by_role("link", name="Xem từng trang").first.click()
        small.wait_for_function(_LOADED, arg="#page-1 img")
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"the pages view scrolls sideways on a phone ({width} px)"
        phone.close()
