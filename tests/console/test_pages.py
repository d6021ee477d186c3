"""The console in process: logins, roles, each action's status in the store, compose and send,
and bad input answered next to the field."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from contextlib import aclosing
from datetime import datetime
from typing import Literal

import anyio.to_thread
import httpx
import pytest

from console.console_support import PASSWORD, Consoles, consoles, csrf_of, deliver, send_signed_document
from lienthong._i18n import Language, language, set_language
from lienthong.console._words import words
from lienthong.edxml import Organization, ResponseFor, StatusCode, StatusPackage, write_package
from lienthong.node import submit
from lienthong.store import Direction, Disposition, NodeStore
from lienthong.trust import verify_attachments
from node.node_network import AT, RECIPIENT, SENDER
from trust.trust_pdf import minimal_pdf

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio


def _sent_codes(consoles: Consoles, item_id: str) -> list[str]:
    network = consoles.network
    message_id = item_id.split("-", maxsplit=1)[0]
    with NodeStore.begin(network.receiver.database, write=False) as store:
        document_id = store.inbox(recipient=RECIPIENT)[0].document_id
        assert store.inbox_get(message_id, RECIPIENT) is not None
        return [
            s.status_code
            for s in store.timeline(document_id, sender=SENDER)
            if s.direction is Direction.OUT and s.reporter == RECIPIENT
        ]


async def _act(client: httpx.AsyncClient, item_id: str, code: str, description: str = "") -> httpx.Response:
    page = await client.get(f"/console/inbox/{item_id}")
    data = {"csrf": csrf_of(page.text), "code": code, "description": description}
    if code == "04":  # a 04 names one of the agency's users
        data["assignee"] = description
    return await client.post(f"/console/inbox/{item_id}/status", data=data)


async def test_login_logout_and_no_login(consoles: Consoles) -> None:
    async with consoles.client(consoles.receiver_app) as anonymous:
        response = await anonymous.get("/console/inbox")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login")
        assert (await anonymous.post("/console/inbox/x-y/status", data={})).status_code == 401
        assert (await anonymous.get("/console/outbox/abc/timeline.json")).status_code == 401
        page = await anonymous.get("/console/login")
        assert 'lang="vi"' in page.text and "Đăng nhập" in page.text
        bad = await anonymous.post(
            "/console/login", data={"user": "lan", "password": "sai", "csrf": csrf_of(page.text)}
        )
        assert bad.status_code == 422
        assert 'id="password-error"' in bad.text and 'aria-invalid="true"' in bad.text
        forged = await anonymous.post(
            "/console/login", data={"user": "lan", "password": PASSWORD, "csrf": "x"}
        )
        assert forged.status_code == 422 and 'id="user-error"' in forged.text

    client = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(client):
        inbox = await client.get("/console/inbox")
        assert inbox.status_code == 200 and "Văn bản đến" in inbox.text
        assert "lan" in inbox.text
        english = await client.get("/console/inbox?lang=en")
        assert "Incoming" in english.text
        no_token = await client.post("/console/logout", data={"csrf": "wrong"})
        assert no_token.status_code == 403
        out = await client.post("/console/logout", data={"csrf": csrf_of(inbox.text)})
        assert out.status_code == 303
        assert (await client.get("/console/inbox")).status_code == 303


async def test_clerk_registers_leader_assigns_clerk_finishes(consoles: Consoles) -> None:
    item_id = await _run(send_signed_document, consoles.network)
    clerk = await consoles.login(consoles.receiver_app, "lan")
    leader = await consoles.login(consoles.receiver_app, "minh")
    async with aclosing(clerk), aclosing(leader):
        inbox = await clerk.get("/console/inbox")
        assert "V/v triển khai văn bản số 12" in inbox.text
        assert "pdf-valid" in inbox.text  # the signed PDF's badge
        page = await clerk.get(f"/console/inbox/{item_id}")
        assert "cong-van.pdf" in page.text and "do-03" in page.text and "do-04" not in page.text
        pdf = await clerk.get(f"/console/inbox/{item_id}/attachments/{_content_id(page.text)}")
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("inline")

        # a leader cannot register, nor assign before registration
        assert (await _act(leader, item_id, "03")).status_code == 403
        early = await _act(leader, item_id, "04", "lan")
        assert early.status_code == 422 and "error-04" in early.text

        assert (await _act(clerk, item_id, "03")).status_code == 303
        # a clerk cannot assign
        assert (await _act(clerk, item_id, "04", "x")).status_code == 403
        assert (await _act(leader, item_id, "04", "lan")).status_code == 303
        assert (await _act(leader, item_id, "05")).status_code == 303
        assert (await _act(clerk, item_id, "06", "xong")).status_code == 303
        after = await clerk.get(f"/console/inbox/{item_id}")
        assert "06 · " in after.text and "do-06" not in after.text
        # refusing after registration breaks the rules: answered next to the field
        late = await _act(clerk, item_id, "02", "sai nơi nhận")
        assert late.status_code == 422 and 'id="error-02"' in late.text
    assert _sent_codes(consoles, item_id)[-4:] == ["03", "04", "05", "06"]


async def test_refusal_needs_a_reason_and_recall_is_answered(consoles: Consoles) -> None:
    item_id = await _run(send_signed_document, consoles.network, "13")
    clerk = await consoles.login(consoles.receiver_app, "lan")
    leader = await consoles.login(consoles.receiver_app, "minh")
    async with aclosing(clerk), aclosing(leader):
        blank = await _act(clerk, item_id, "02", "  ")
        assert blank.status_code == 422
        assert 'id="error-02"' in blank.text and 'aria-invalid="true"' in blank.text
        assert (await _act(clerk, item_id, "02", "Không đúng thẩm quyền")).status_code == 303
        assert _sent_codes(consoles, item_id)[-1] == "02"

        # the sender asks for it back; only a leader answers
        await _run(_recall, consoles, item_id)
        page = await leader.get(f"/console/inbox/{item_id}")
        assert "do-15" in page.text and "do-16" in page.text
        assert (await _act(clerk, item_id, "15")).status_code == 403
        assert (await _act(leader, item_id, "15")).status_code == 303
    assert _sent_codes(consoles, item_id)[-1] == "15"


async def test_compose_signs_and_submits(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose?q=văn phòng chính phủ")
        assert RECIPIENT in page.text
        fields = {
            "csrf": csrf_of(page.text),
            "sender": SENDER,
            "number": "45",
            "notation": "UBND-VX",
            "subject": "V/v báo cáo tình hình",
            "promulgated_on": "2026-03-02",
            "to": RECIPIENT,
            "sign": "1",
        }
        files = {"files": ("bao-cao.pdf", minimal_pdf("Bao cao"), "application/pdf")}
        response = await client.post("/console/compose", data=fields, files=files)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        message_id = location.split("/")[3].split("?")[0]
        sent = await client.get(location)
        assert "V/v báo cáo tình hình" in sent.text and RECIPIENT in sent.text
        await consoles.deliver()
        timeline = (await client.get(f"/console/outbox/{message_id}/timeline.json")).json()
        assert timeline["recipients"][0]["delivery"] == "delivered"
        assert "V/v báo cáo tình hình" in (await client.get("/console/outbox")).text

    network = consoles.network
    with NodeStore.begin(network.sender.database, write=False) as store:
        entry = store.outbox(message_id=message_id)[0]
    data = b"".join(network.sender.blobs.read_verified(entry.item.package_sha256))
    found = await anyio.to_thread.run_sync(
        lambda: verify_attachments(data, anchors=network.sender.anchors, at=network_at())
    )
    assert len(found) == 1 and found[0].valid


async def test_compose_bad_input_next_to_fields_and_roles(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose")
        fields = {
            "csrf": csrf_of(page.text),
            "sender": SENDER,
            "number": "",
            "notation": "UBND",
            "subject": "",
            "promulgated_on": "02/03/2026",
            "to": "000.00.00.Z99",
        }
        files = {"files": ("ghi-chu.txt", b"not a pdf", "text/plain")}
        response = await client.post("/console/compose", data=fields, files=files)
        assert response.status_code == 422
        for name in ("number", "subject", "promulgated_on", "to", "files"):
            assert f'id="{name}-error"' in response.text, name
        assert 'value="UBND"' in response.text  # what was typed stays
    leader = await consoles.login(consoles.receiver_app, "minh")
    async with aclosing(leader):
        assert (await leader.get("/console/compose")).status_code == 403
    admin = await consoles.login(consoles.receiver_app, "admin")
    async with aclosing(admin):
        assert (await admin.get("/console/compose")).status_code == 200


@pytest.mark.parametrize(
    ("process", "page", "expected", "foreign"),
    [
        (
            "en",
            "vi",
            ("Hãy nhập trích yếu.", "Không gửi được tới: 000.00.00.Z99.", "Không phải tệp PDF: ghi-chu.txt."),
            "Enter the",
        ),
        (
            "vi",
            "en",
            ("Enter the subject.", "Cannot send to: 000.00.00.Z99.", "Not a PDF: ghi-chu.txt."),
            "Hãy nhập",
        ),
    ],
)
async def test_form_errors_read_in_the_users_language_not_the_process_language(
    consoles: Consoles, process: Language, page: Language, expected: tuple[str, ...], foreign: str
) -> None:
    before = language()
    set_language(process)
    client = await consoles.login(consoles.sender_app, "hoa")
    try:
        async with aclosing(client):
            form = await client.get(f"/console/compose?lang={page}")
            fields = {"csrf": csrf_of(form.text), "sender": SENDER, "number": "1", "notation": "UBND"}
            files = {"files": ("ghi-chu.txt", b"not a pdf", "text/plain")}
            response = await client.post(
                "/console/compose", data={**fields, "subject": "", "to": "000.00.00.Z99"}, files=files
            )
    finally:
        set_language(before)
    assert response.status_code == 422 and f'<html lang="{page}">' in response.text
    for text in expected:
        assert unicodedata.normalize("NFC", text) in response.text, text
    assert unicodedata.normalize("NFC", foreign) not in response.text


def network_at() -> datetime:
    return AT


def _content_id(html: str) -> str:
    found = re.search(r"/attachments/([^\"]+)\"", html)
    assert found
    return found.group(1)


async def _run(function: Callable[..., str | None], *args: object) -> str:
    result = await anyio.to_thread.run_sync(lambda: function(*args))
    return result or ""


def _recall(consoles: Consoles, item_id: str) -> None:
    network = consoles.network
    with NodeStore.begin(network.receiver.database, write=False) as store:
        document_id = store.inbox(recipient=RECIPIENT)[0].document_id
    package = StatusPackage(
        from_=Organization(organ_id=SENDER),
        response_for=ResponseFor(organ_id=SENDER, document_id=document_id),
        status_code=StatusCode.RECALL_REQUESTED,
        timestamp=network_at(),
        description="ban hành nhầm",
    )
    submit(network.sender, write_package(package), at=network_at())
    deliver(network)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_disposition_has_a_word_in_both_languages(lang: Literal["vi", "en"]) -> None:
    """The inbox badge and the document view name a copy's disposition: none may show empty."""
    table = words(lang)
    missing = [d.value for d in Disposition if not table.get(f"disp_{d.value}")]
    assert not missing, f"dispositions without a {lang} word: {missing}"


async def test_console_answers_carry_the_security_headers_and_are_never_framed(consoles: Consoles) -> None:
    item_id = await _run(send_signed_document, consoles.network)
    async with consoles.client(consoles.receiver_app) as anonymous:
        login = await anonymous.get("/console/login")
    client = await consoles.login(consoles.receiver_app, "lan")
    try:
        page = await client.get(f"/console/inbox/{item_id}")
        content_id = _content_id(page.text)
        answers = {
            "login": login,
            "page": page,
            "style": await client.get("/console/static/console.css"),
            "pdf": await client.get(f"/console/inbox/{item_id}/attachments/{content_id}"),
            "missing": await client.get("/console/no-such-page"),
        }
    finally:
        await client.aclose()
    for name, answer in answers.items():
        assert answer.headers.get("x-frame-options") == "DENY", name
        assert answer.headers.get("x-content-type-options") == "nosniff", name
        assert answer.headers.get("referrer-policy") == "same-origin", name
        assert answer.headers.get("strict-transport-security", "").startswith("max-age="), name
    for name in ("login", "page", "style", "missing"):
        assert "frame-ancestors 'none'" in answers[name].headers["content-security-policy"], name
    assert answers["pdf"].headers["content-type"].startswith("application/pdf")


async def test_the_login_page_names_the_node_and_its_agencies(consoles: Consoles) -> None:
    async with consoles.client(consoles.receiver_app) as anonymous:
        page = await anonymous.get("/console/login")
    node = page.text.split('id="node"', 1)[1].split("</section>", 1)[0]
    assert "vpcp" in node
    assert f'Văn phòng Chính phủ <span class="mono">({RECIPIENT})</span>' in node
    assert "(000.00.00.H26)" in node  # every subtree it serves, by its registry name
