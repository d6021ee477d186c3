"""`lienthong show` renders a refused delivery's reason in the CLI's language: from the data a
new receipt holds (``reason_message``), whatever language the node worded it in; an old
receipt's sentence as it is."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from lienthong import _i18n
from lienthong._i18n import msg, render, set_language
from lienthong.cli import _connect, app
from lienthong.client import Client
from lienthong.evidence import Receipt, ReceiptOutcome
from support.catalogue import add_texts

SENDER, RECIPIENT = "000.00.00.G22", "000.00.00.H53"
MESSAGE_ID = "a" * 64
REFUSAL = {
    "recipient-closed-test": {
        "vi": "mã {code} đã đóng từ {day}: gửi cho {successor}",
        "en": "code {code} closed on {day}: send to {successor}",
    }
}
VI = "mã 000.00.00.H53 đã đóng từ 01/07/2025: gửi cho 000.00.00.H54"
EN = "code 000.00.00.H53 closed on 01/07/2025: send to 000.00.00.H54"


def _receipt(**why: Any) -> Receipt:
    """A refusal as the recipient's node signs it, read back as the sender stores it."""
    receipt = Receipt(
        message_id=MESSAGE_ID,
        document_id=f"{SENDER},2026/01/05,7816/VPCP-TTĐT",
        package_sha256="b" * 64,
        kind="document",
        sender=SENDER,
        recipient=RECIPIENT,
        outcome=ReceiptOutcome.REFUSED,
        node="hue",
        at=datetime(2026, 1, 5, 3, 0, tzinfo=UTC),
        reason_code="recipient-closed",
        **why,
    )
    return Receipt.from_payload(json.loads(json.dumps(receipt.to_payload())))


def _node(receipt: Receipt, asked: list[str | None]) -> httpx.MockTransport:
    """A node's REST API answering for one sent document refused by ``receipt``: the reason
    worded in Vietnamese (as a node may, whatever was asked), and as data when the receipt has it."""
    why = receipt.why
    recipient: dict[str, Any] = {
        "recipient": RECIPIENT,
        "deliver_to": RECIPIENT,
        "delivery": "rejected",
        "attempts": 1,
        "last_error": None if why is None else render(why, "vi"),
        "delivered_at": None,
        "business_status": None,
        "business_status_at": None,
    }
    if receipt.reason_message is not None:
        recipient["reason_message"] = receipt.reason_message.to_json()
    message = {
        "message_id": MESSAGE_ID,
        "document_id": receipt.document_id,
        "kind": "document",
        "sender": SENDER,
        "created_at": "2026-01-05T02:59:00Z",
        "recipients": [recipient],
        "timeline": [],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("accept-language"))
        path = request.url.path
        if path == "/api/v1/inbox":
            return httpx.Response(200, json={"items": [], "next_cursor": None})
        if path == "/api/v1/outbox":
            return httpx.Response(200, json={"items": [message], "next_cursor": None})
        if path == f"/api/v1/outbox/{MESSAGE_ID}":
            return httpx.Response(200, json=message)
        return httpx.Response(404, json={"code": "not-found", "message": path})

    return httpx.MockTransport(answer)


@pytest.fixture(autouse=True)
def _language() -> Iterator[None]:
    before = _i18n.language()
    yield
    set_language(before)


def _show(monkeypatch: pytest.MonkeyPatch, receipt: Receipt, language: str) -> tuple[str, list[str | None]]:
    asked: list[str | None] = []
    monkeypatch.setattr(_connect, "Client", functools.partial(Client, transport=_node(receipt, asked)))
    done = CliRunner().invoke(
        app,
        ["--lang", language, "show", MESSAGE_ID[:12], "--url", "http://node.test", "--token", "t"],
        env={"COLUMNS": "200"},
    )
    assert done.exit_code == 0, done.output
    return done.output, asked


def test_a_refusal_held_as_data_is_shown_in_the_clis_language(monkeypatch: pytest.MonkeyPatch) -> None:
    add_texts(monkeypatch, REFUSAL)
    receipt = _receipt(
        reason_message=msg(
            "recipient-closed-test", code=RECIPIENT, day="01/07/2025", successor="000.00.00.H54"
        )
    )
    assert receipt.reason is None and receipt.why == receipt.reason_message

    english, asked = _show(monkeypatch, receipt, "en")
    assert EN in english and VI not in english
    assert "reason" in english and "rejected" in english
    assert set(asked) == {"en"}  # and the node was asked for English

    vietnamese, asked = _show(monkeypatch, receipt, "vi")
    assert VI in vietnamese and EN not in vietnamese
    assert "lý do" in vietnamese
    assert set(asked) == {"vi"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_old_receipts_sentence_is_shown_as_it_is(monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    sentence = "Mã 000.00.00.H53 đã đóng; hãy gửi cho 000.00.00.H54"
    receipt = _receipt(reason=sentence)
    assert receipt.reason_message is None and receipt.why == sentence
    shown, _ = _show(monkeypatch, receipt, language)
    assert sentence in shown


def test_no_reason_no_reason_column(monkeypatch: pytest.MonkeyPatch) -> None:
    shown, _ = _show(monkeypatch, _receipt(), "en")
    assert "recipient" in shown and "reason" not in shown
