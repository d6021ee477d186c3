"""The sent document's page: recipients by name with their delivery and statuses, the
attachments, and the sender's actions, which reach the recipient's node: recall (13) and
update (business type 2, prefilled from the document, linked to it)."""

from __future__ import annotations

import re
from contextlib import aclosing

import httpx
import pytest

from console.console_support import Consoles, consoles, csrf_of
from lienthong.store import Disposition, NodeAudit, NodeStore, PackageKind
from node.node_network import RECIPIENT, SENDER
from trust.trust_pdf import minimal_pdf

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio


async def _compose(client: httpx.AsyncClient, **extra: str) -> str:
    page = await client.get("/console/compose")
    fields = {"csrf": csrf_of(page.text), "sender": SENDER, "number": "77", "notation": "UBND-VP"}
    fields |= {"subject": "V/v họp giao ban", "to": RECIPIENT, "sign": "1", **extra}
    files = {"files": ("giay-moi.pdf", minimal_pdf("Giay moi"), "application/pdf")}
    response = await client.post("/console/compose", data=fields, files=files)
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[3].split("?")[0]


def _dispositions(consoles: Consoles) -> dict[str, Disposition]:
    """Each received document's state at the recipient's node, by its message id."""
    with NodeStore.begin(consoles.network.receiver.database, write=False) as store:
        entries = store.inbox(recipient=RECIPIENT)
    return {e.message_id: e.disposition for e in entries if e.kind is PackageKind.DOCUMENT}


async def test_the_sent_page_names_recipients_and_lists_attachments(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        message_id = await _compose(client)
        await consoles.deliver()
        page = await client.get(f"/console/outbox/{message_id}")
        assert "Văn phòng Chính phủ" in page.text  # the registry's name, not a bare code
        assert "UBND tỉnh Nghệ An" in page.text or SENDER in page.text
        link = re.search(rf'href="(/console/outbox/{message_id}/attachments/[^"]+)"', page.text)
        assert link and "giay-moi.pdf" in page.text and re.search(r"\(\d+(,\d)? KB\)|\(\d+ B\)", page.text)
        pdf = await client.get(link.group(1))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert (await client.get(f"/console/outbox/{message_id}/attachments/99")).status_code == 404
        timeline = (await client.get(f"/console/outbox/{message_id}/timeline.json")).json()
        assert timeline["recipients"][0]["name"] == "Văn phòng Chính phủ"
        assert 'id="do-recall"' in page.text and 'id="do-update"' in page.text


async def test_recall_from_the_sent_page_reaches_the_recipient(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        message_id = await _compose(client)
        await consoles.deliver()
        page = await client.get(f"/console/outbox/{message_id}")
        blank = await client.post(
            f"/console/outbox/{message_id}/recall", data={"csrf": csrf_of(page.text), "reason": " "}
        )
        assert blank.status_code == 422 and 'id="reason-error"' in blank.text
        stale = await client.post(f"/console/outbox/{message_id}/recall", data={"reason": "x"})
        assert stale.status_code == 403
        done = await client.post(
            f"/console/outbox/{message_id}/recall",
            data={"csrf": csrf_of(page.text), "reason": "Sai thành phần"},
        )
        assert done.status_code == 303 and done.headers["location"].endswith("?recalled=1")
        await consoles.deliver()
        after = await client.get(f"/console/outbox/{message_id}")
        assert "13 · " in after.text
    assert _dispositions(consoles) == {message_id: Disposition.RECALL_REQUESTED}
    with NodeAudit.begin(consoles.network.sender.database) as audit:
        asked = audit.entries(action="recall-requested")
    assert [(e.actor, e.params["recalled"]) for e in asked] == [("hoa", message_id)]
    other = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(other):  # another agency's user cannot see, nor recall, it
        assert (await other.get(f"/console/outbox/{message_id}")).status_code == 404


async def test_update_from_the_sent_page_is_prefilled_linked_and_applied(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        earlier = await _compose(client, kind="23", signer_name="Trần Thị B", position="CHÁNH VĂN PHÒNG")
        await consoles.deliver()
        form = await client.get(f"/console/compose?acts_on={earlier}&business=2")
        assert form.status_code == 200
        assert f'name="acts_on" value="{earlier}"' in form.text
        assert 'value="77"' in form.text and ">V/v họp giao ban</textarea>" in form.text
        assert 'value="Trần Thị B"' in form.text and '<option value="23" selected>' in form.text
        assert re.search(rf'value="{re.escape(RECIPIENT)}" checked', form.text)
        searched = await client.get(  # a search without JS keeps the update linked
            "/console/compose", params={"sender": SENDER, "acts_on": earlier, "business": "2", "q": "ha noi"}
        )
        assert f'name="acts_on" value="{earlier}"' in searched.text
        fields = {
            "csrf": csrf_of(form.text),
            "acts_on": earlier,
            "business": "2",
            "reason": "Đổi giờ họp",
            "sender": SENDER,
            "number": "78",
            "notation": "UBND-VP",
            "subject": "V/v họp giao ban (đổi giờ)",
            "to": RECIPIENT,
            "sign": "1",
        }
        files = {"files": ("giay-moi-2.pdf", minimal_pdf("Giay moi 2"), "application/pdf")}
        response = await client.post("/console/compose", data=fields, files=files)
        assert response.status_code == 303, response.text
        later = response.headers["location"].split("/")[3].split("?")[0]
        await consoles.deliver()
        unknown = await client.get("/console/compose?acts_on=" + "0" * 64 + "&business=2")
        assert unknown.status_code == 404
    assert _dispositions(consoles) == {earlier: Disposition.UPDATED, later: Disposition.ACTIVE}
    with NodeAudit.begin(consoles.network.sender.database) as audit:
        updated = audit.entries(action="document-updated")
    assert [(e.target, e.params["earlier"]) for e in updated] == [(later, earlier)]
