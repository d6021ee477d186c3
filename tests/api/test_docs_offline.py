"""``/docs`` and ``/redoc`` of a running node (``node serve --public-docs``) render in a real
browser (Debian chromium) with the network cut off: every request to a host other than the
node's loopback address is aborted, and none is made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from api.api_nodes import LiveApi, live_api
from support.browser import browser

__all__ = ["browser"]  # the fixture, imported for pytest
NODE = "vpcp"
LOOPBACK = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    yield from live_api(tmp_path_factory.mktemp("docs"), options=("--public-docs",))


class Offline:
    """A page whose every request off loopback is aborted, and remembered."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.aborted: list[str] = []
        #: Requests that failed other than by the page's own policy (which keeps them off the network).
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page: Page = self.context.new_page()
        self.page.on("requestfailed", self._failed)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _failed(self, request: Request) -> None:
        if request.failure != "csp":  # Chromium's reason for a request the policy kept
            self.failed.append(f"{request.url}: {request.failure}")

    def check(self) -> None:
        """Nothing was asked of another host; nothing failed but what the page's policy blocked."""
        errors = [e for e in self.errors if "Content Security Policy" not in e]
        assert (self.aborted, self.failed, errors) == ([], [], [])

    def _route(self, route: Route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort("internetdisconnected")


@pytest.fixture
def offline(browser: Browser) -> Iterator[Offline]:
    found = Offline(browser)
    try:
        yield found
    finally:
        found.context.close()


def test_swagger_ui_renders_offline(live: LiveApi, offline: Offline, tmp_path: Path) -> None:
    page = offline.page
    page.goto(f"{live.urls[NODE]}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("lienthong", timeout=30_000)
    paths = page.locator(".opblock-summary-path")
    expect(paths.filter(has_text="/api/v1/documents").first).to_be_visible()
    expect(page.locator("#operations-tag-VXP")).to_be_visible()
    expect(paths.filter(has_text="/vxp/sendEdoc")).to_have_count(1)
    page.screenshot(path=tmp_path / "docs.png", full_page=False)
    offline.check()


def test_redoc_renders_offline(live: LiveApi, offline: Offline, tmp_path: Path) -> None:
    page = offline.page
    page.goto(f"{live.urls[NODE]}/redoc")
    expect(page.locator("h1").first).to_contain_text("lienthong", timeout=30_000)
    expect(page.get_by_text("/api/v1/documents").first).to_be_attached()
    expect(page.get_by_text("Send a document or a status package").first).to_be_attached()
    page.screenshot(path=tmp_path / "redoc.png", full_page=False)
    offline.check()
