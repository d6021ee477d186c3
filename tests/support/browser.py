"""A real browser for page tests: Debian's chromium driven by Playwright (no browser download).

``scripts/install-system-deps.sh`` installs chromium; the flags keep it off the network (the
machine has none but loopback) and let it run as root in CI.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: Where page tests write their screenshots (the README shows some of them).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("chromium is not installed: run scripts/install-system-deps.sh")
    return found


# Module scope, never session: Playwright's sync API keeps an event loop running in this thread
# while it is open, and any later test calling asyncio.run() in the same worker would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_FLAGS))
        try:
            yield launched
        finally:
            launched.close()
