"""The operator's views across real processes, in a real browser (Debian chromium through
Playwright): a delivery to a stopped node shows as waiting with the peer's error; "retry now"
delivers it once that node is back. The nodes retry an hour apart (``--retry-base 3600``), so
only the operator's "retry now" can explain the delivery. Screenshots go to
docs/screenshots/console-operator-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from api.api_nodes import LiveApi, live_api
from lienthong.client import Client
from lienthong.console import Role, UserFile
from lienthong.demo import wait_for
from lienthong.store import DeliveryState, NodeStore, OutboxEntry
from node.node_network import RECIPIENT, SENDER, document
from support.browser import SCREENSHOTS, browser

__all__ = ["browser"]  # the fixture, imported for pytest

PASSWORD = "mật-khẩu-thử-1"
#: The nodes' backoff: a failed attempt is tried again 30 to 60 minutes later.
PATIENT = ("--retry-base", "3600", "--retry-cap", "3600")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveApi]:
    yield from live_api(tmp_path, options=PATIENT)


def _entry(live: LiveApi, message_id: str) -> OutboxEntry | None:
    with NodeStore.begin(live.net.database("nghe-an"), write=False) as store:
        found = store.outbox(message_id=message_id)
    return found[0] if found else None


def _send(live: LiveApi, number: str) -> str:
    token = live.token("nghe-an", f"qlvb-{number}", [SENDER])
    with Client(live.urls["nghe-an"], token=token, verify=str(live.anchors("nghe-an")), timeout=60.0) as api:
        return api.send_package(document(number)).message_id


def _state(live: LiveApi, message_id: str) -> DeliveryState | None:
    entry = _entry(live, message_id)
    return None if entry is None else entry.state


def _log_in(page: Page, url: str) -> None:
    page.goto(url)  # no session: the login form, which comes back here
    page.locator("#user").fill("van")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")  # keyboard only
    expect(page.locator("#user")).to_have_count(0)


def test_a_delivery_to_a_stopped_node_waits_and_retry_now_delivers_it(
    browser: Browser, live: LiveApi
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    UserFile.in_home(live.net.homes["nghe-an"].home).add(
        "van", PASSWORD, roles=[Role.OPERATOR], codes=[SENDER]
    )
    # A first document arrives while both nodes run: the sender routes to vpcp's real address
    # (once it has read it: an attempt before that would wait an hour).
    assert wait_for(lambda: live.net.runs_published("nghe-an"), timeout=60.0, every=0.2)
    first = _send(live, "61")
    assert wait_for(lambda: _state(live, first) is DeliveryState.DELIVERED, timeout=120.0, every=0.3)

    live.net.nodes["vpcp"].stop()
    waiting = _send(live, "62")
    assert wait_for(
        lambda: (e := _entry(live, waiting)) is not None and e.attempts >= 1, timeout=60.0, every=0.3
    )
    entry = _entry(live, waiting)
    assert entry is not None and entry.state is DeliveryState.QUEUED and entry.last_error is not None
    # Its next attempt is half an hour away at least: only "retry now" can deliver it in this test.
    assert entry.next_attempt_at > datetime.now(UTC) + timedelta(minutes=25)

    base = live.urls["nghe-an"]
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, f"{base}/console/operator/deliveries")
    row = page.locator(f"#delivery-{entry.id}")
    expect(row).to_contain_text("Đang chờ gửi")
    expect(row).to_contain_text("không kết nối được vpcp")  # the peer's error, in Vietnamese
    expect(row).to_contain_text("Lần gửi kế tiếp")
    page.screenshot(path=SCREENSHOTS / "console-operator-deliveries.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    live.restart("vpcp")  # the same peer port as before
    row.get_by_role("button", name="Gửi lại ngay").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đặt gửi lại ngay")
    assert wait_for(lambda: _state(live, waiting) is DeliveryState.DELIVERED, timeout=120.0, every=0.3)
    with NodeStore.begin(live.net.database("vpcp"), write=False) as store:
        assert store.inbox_get(waiting, RECIPIENT) is not None

    page.goto(f"{base}/console/operator/messages/{waiting}")
    expect(page.locator("#log")).to_contain_text("Biên nhận đã nhận")
    expect(page.locator(f"#delivery-{entry.id}")).to_contain_text("Đã chuyển")
    page.screenshot(path=SCREENSHOTS / "console-operator-history.png", full_page=True)
    context.close()
