"""The operator's pages in process: who may see them, message search (filters, pages, bad
input), a message's history and evidence, waiting deliveries and their actions, certificates."""

from __future__ import annotations

import io
import json
import re
import zipfile
from contextlib import aclosing
from pathlib import Path

import anyio.to_thread
import httpx
import pytest

from console.console_support import PASSWORD, Consoles, consoles, csrf_of, send_signed_document
from lienthong.console import Role, UserFile
from lienthong.edxml import VIETNAM_TZ
from lienthong.node import DeliveryState, submit
from lienthong.store import NodeAudit, NodeStore, OutboxEntry
from node.node_network import AT, RECIPIENT, SENDER, document

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio

OPERATOR = "/console/operator"
_LINK = re.compile(rf'href="{OPERATOR}/messages/([0-9a-f]{{64}})"')


@pytest.fixture
def operators(consoles: Consoles, tmp_path: Path) -> Consoles:
    """``consoles`` with "van", an operator, at both nodes."""
    UserFile.in_home(tmp_path / "home").add("van", PASSWORD, roles=[Role.OPERATOR], codes=[SENDER])
    return consoles


def _outbox(consoles: Consoles) -> list[OutboxEntry]:
    with NodeStore.begin(consoles.network.sender.database, write=False) as store:
        return store.outbox()


def _actions(consoles: Consoles) -> list[tuple[str, str, dict[str, str]]]:
    with NodeAudit.begin(consoles.network.sender.database) as audit:
        return [(e.actor, e.action, dict(e.params)) for e in audit.entries()]


async def test_only_operators_and_administrators_see_the_operator_pages(operators: Consoles) -> None:
    app = operators.sender_app
    async with operators.client(app) as anonymous:
        assert (await anonymous.get(f"{OPERATOR}/messages")).status_code == 303
        assert (await anonymous.post(f"{OPERATOR}/deliveries/1/retry", data={})).status_code == 401
    clerk = await operators.login(app, "hoa")
    async with aclosing(clerk):
        inbox = await clerk.get("/console/inbox")
        assert f"{OPERATOR}/messages" not in inbox.text  # no link for a clerk
        for page in ("messages", "deliveries", "keys", "messages/" + "a" * 64):
            assert (await clerk.get(f"{OPERATOR}/{page}")).status_code == 403
        posted = await clerk.post(f"{OPERATOR}/deliveries/1/retry", data={"csrf": csrf_of(inbox.text)})
        assert posted.status_code == 403
    for name in ("van", "admin"):
        client = await operators.login(app, name)
        async with aclosing(client):
            messages = await client.get(f"{OPERATOR}/messages")
            assert messages.status_code == 200 and 'aria-current="page"' in messages.text
            assert f'href="{OPERATOR}/messages"' in messages.text
            assert (await client.get(f"{OPERATOR}/keys")).status_code == 200


async def test_search_filters_messages_in_and_out(operators: Consoles) -> None:
    item_id = await anyio.to_thread.run_sync(send_signed_document, operators.network, "41")
    message_id = item_id.split("-")[0]
    await anyio.to_thread.run_sync(lambda: submit(operators.network.sender, document("42"), at=AT))
    client = await operators.login(operators.receiver_app, "admin")
    async with aclosing(client):
        found = await client.get(f"{OPERATOR}/messages")
        assert found.status_code == 200
        assert found.text.count(f"{OPERATOR}/messages/") == 1  # vpcp received one of the two
        assert "1–1 trên 1" in found.text
        by_message = await client.get(f"{OPERATOR}/messages", params={"message": message_id[:10].upper()})
        assert message_id in by_message.text
        outgoing = await client.get(f"{OPERATOR}/messages", params={"direction": "out"})
        assert message_id not in outgoing.text and "Không có thông điệp nào" in outgoing.text
    client = await operators.login(operators.sender_app, "van")
    async with aclosing(client):
        both = await client.get(f"{OPERATOR}/messages")
        assert "1–2 trên 2" in both.text
        delivered = await client.get(f"{OPERATOR}/messages", params={"delivery": "delivered"})
        assert "1–1 trên 1" in delivered.text and message_id in delivered.text
        queued = await client.get(f"{OPERATOR}/messages", params={"delivery": "queued", "agency": RECIPIENT})
        assert "1–1 trên 1" in queued.text and message_id not in queued.text
        assert "1–2 trên 2" in (await client.get(f"{OPERATOR}/messages", params={"document": "H41"})).text
        day = AT.astimezone(VIETNAM_TZ).date().isoformat()
        assert (
            "1–2 trên 2" in (await client.get(f"{OPERATOR}/messages", params={"from": day, "to": day})).text
        )
        later = (await client.get(f"{OPERATOR}/messages", params={"from": "2099-01-01"})).text
        assert "Không có thông điệp nào" in later
        other = await client.get(f"{OPERATOR}/messages", params={"agency": "000.00.00.G09"})
        assert "Không có thông điệp nào" in other.text
        bad = await client.get(
            f"{OPERATOR}/messages",
            params={
                "message": "xyz",
                "from": "2026-13-40",
                "delivery": "lost",
                "agency": "<b>",
                "lang": "en",
            },
        )
        assert bad.status_code == 422
        for field in ("message", "from", "delivery", "agency"):
            assert f'id="f-{field}-error"' in bad.text
        assert "A date as YYYY-MM-DD" in bad.text and "<b>" not in bad.text


async def test_search_pages_through_every_match_newest_first(operators: Consoles) -> None:
    def many() -> None:
        for number in range(55):
            submit(operators.network.sender, document(f"9{number:02d}"), at=AT)

    await anyio.to_thread.run_sync(many)
    client = await operators.login(operators.sender_app, "van")
    async with aclosing(client):
        first = await client.get(f"{OPERATOR}/messages", params={"agency": RECIPIENT})
        assert "1–50 trên 55" in first.text and first.text.count(f"{OPERATOR}/messages/") == 50
        assert 'rel="next" href="?agency=000.00.00.G22&amp;page=2"' in first.text
        second = await client.get(f"{OPERATOR}/messages", params={"agency": RECIPIENT, "page": "2"})
        assert "51–55 trên 55" in second.text and second.text.count(f"{OPERATOR}/messages/") == 5
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
        beyond = await client.get(f"{OPERATOR}/messages", params={"agency": RECIPIENT, "page": "9"})
        assert "51–55 trên 55" in beyond.text
    shown = [m for text in (first.text, second.text) for m in _LINK.findall(text)]
    # Newest first; equal times (one test moment here) latest stored first.
    assert shown == [e.message_id for e in sorted(_outbox(operators), key=lambda e: -e.id)]


async def test_history_shows_legs_log_and_exports_evidence(operators: Consoles) -> None:
    item_id = await anyio.to_thread.run_sync(send_signed_document, operators.network, "43")
    message_id = item_id.split("-")[0]
    client = await operators.login(operators.sender_app, "van")
    async with aclosing(client):
        page = await client.get(f"{OPERATOR}/messages/{message_id}")
        assert page.status_code == 200
        assert "Lịch sử thông điệp" in page.text and 'id="log"' in page.text
        assert "Gói tin nhận để gửi" in page.text and "Biên nhận đã nhận" in page.text
        assert "nghe-an → vpcp" in page.text and RECIPIENT in page.text
        english = await client.get(f"{OPERATOR}/messages/{message_id}?lang=en")
        assert "Package accepted for sending" in english.text and "Receipt received" in english.text
        assert (await client.get(f"{OPERATOR}/messages/{'0' * 64}")).status_code == 404
        assert (await client.get(f"{OPERATOR}/messages/not-an-id")).status_code == 404
        bundle = await client.get(f"{OPERATOR}/messages/{message_id}/evidence.zip")
        assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
        assert "attachment" in bundle.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            assert manifest["node"] == "nghe-an" and "head.stmt" in archive.namelist()
            assert any(name.startswith("packages/") for name in archive.namelist())
        missing = await client.get(f"{OPERATOR}/messages/{'0' * 64}/evidence.zip")
        assert missing.status_code == 404
    assert ("van", "evidence-exported", {}) in _actions(operators)


async def _waiting(consoles: Consoles, number: str) -> OutboxEntry:
    """A delivery to vpcp, down: tried once, it waits with the peer's error."""
    network = consoles.network
    submission = await anyio.to_thread.run_sync(lambda: submit(network.sender, document(number), at=AT))
    network.transport.down.add("vpcp")
    await consoles.deliver()
    network.transport.down.discard("vpcp")
    (entry,) = [e for e in _outbox(consoles) if e.message_id == submission.message_id]
    assert entry.state is DeliveryState.QUEUED and entry.attempts == 1
    return entry


async def test_waiting_deliveries_show_why_and_are_retried_or_given_up(operators: Consoles) -> None:
    entry = await _waiting(operators, "44")
    other = await _waiting(operators, "45")
    client = await operators.login(operators.sender_app, "van")
    async with aclosing(client):
        page = await client.get(f"{OPERATOR}/deliveries")
        assert page.status_code == 200
        assert f'id="delivery-{entry.id}"' in page.text and f'id="delivery-{other.id}"' in page.text
        assert "vpcp" in page.text and "Lần gửi kế tiếp" in page.text  # the peer's error, the next try
        english = await client.get(f"{OPERATOR}/deliveries?lang=en")
        assert "Why (the peer&#39;s answer)" in english.text and "Retry now" in english.text

        forged = await client.post(f"{OPERATOR}/deliveries/{entry.id}/retry", data={"csrf": "x"})
        assert forged.status_code == 403
        token = csrf_of(page.text)
        retried = await client.post(
            f"{OPERATOR}/deliveries/{entry.id}/retry", data={"csrf": token, "back": "https://evil.test/"}
        )
        assert (
            retried.status_code == 303 and retried.headers["location"] == f"{OPERATOR}/deliveries?done=retry"
        )
        (after,) = [e for e in _outbox(operators) if e.id == entry.id]
        assert after.state is DeliveryState.QUEUED and after.next_attempt_at == AT

        no_reason = await client.post(
            f"{OPERATOR}/deliveries/{other.id}/give-up", data={"csrf": token, "reason": "  "}
        )
        assert no_reason.status_code == 422 and f'id="d{other.id}-error"' in no_reason.text
        gave_up = await client.post(
            f"{OPERATOR}/deliveries/{other.id}/give-up",
            data={
                "csrf": token,
                "reason": "Cơ quan nhận đã sáp nhập",
                "back": f"{OPERATOR}/messages/{other.message_id}",
            },
        )
        assert gave_up.headers["location"] == f"{OPERATOR}/messages/{other.message_id}?done=give-up"
        told = await client.get(gave_up.headers["location"] + "&lang=vi")
        assert "Đã dừng chuyển phát" in told.text and "người vận hành đã dừng gửi" in told.text
        (failed,) = [e for e in _outbox(operators) if e.id == other.id]
        assert failed.state is DeliveryState.FAILED
        listed = await client.get(f"{OPERATOR}/deliveries?lang=vi")
        assert "người vận hành đã dừng gửi: Cơ quan nhận đã sáp nhập" in listed.text

        await operators.deliver()  # the worker picks the retried one at once
        (delivered,) = [e for e in _outbox(operators) if e.id == entry.id]
        assert delivered.state is DeliveryState.DELIVERED
        final = await client.post(f"{OPERATOR}/deliveries/{entry.id}/retry", data={"csrf": token})
        assert final.status_code == 409 and "chuyển phát đã đến nơi" in final.text
        unknown = await client.post(f"{OPERATOR}/deliveries/99999/retry", data={"csrf": token})
        assert unknown.status_code == 404
        garbled = await client.post(f"{OPERATOR}/deliveries/1e9/give-up", data={"csrf": token, "reason": "x"})
        assert garbled.status_code == 404 and "text/html" in garbled.headers["content-type"]
    assert ("van", "delivery-retried", {"recipient": RECIPIENT, "state": "queued"}) in _actions(operators)
    assert (
        "van",
        "delivery-given-up",
        {"recipient": RECIPIENT, "state": "failed", "reason": "Cơ quan nhận đã sáp nhập"},
    ) in _actions(operators)


async def test_keys_page_lists_the_certificates_without_private_keys(operators: Consoles) -> None:
    network = operators.network
    client = await operators.login(operators.sender_app, "van")
    async with aclosing(client):
        page = await client.get(f"{OPERATOR}/keys")
    assert page.status_code == 200
    text = page.text
    assert "PRIVATE" not in text and "BEGIN" not in text
    for certificate in (
        network.sender.key.certificate,
        network.sender.signers[SENDER].certificate,
        network.pki.root,
    ):
        assert f"{certificate.serial_number:X}" in text
    assert "UBND tỉnh Nghệ An" in text and "Gốc tin cậy của mạng" in text
    assert "Không có CRL của tổ chức cấp" in text  # the test configuration carries no CRL


async def test_operator_pages_fit_a_form_error_and_the_english_page(operators: Consoles) -> None:
    client: httpx.AsyncClient = await operators.login(operators.sender_app, "van")
    async with aclosing(client):
        english = await client.get(f"{OPERATOR}/keys?lang=en")
        assert "Keys and certificates" in english.text and "Private keys are never shown." in english.text
        assert 'lang="en"' in english.text
