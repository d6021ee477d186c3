"""Compose: the signer, type, urgency, due date and "on behalf of" land in the package as
edXML defines them; the sender is never offered as a recipient; one search box finds agencies
without diacritics, and without JS keeps the draft; each problem answers next to its field."""

from __future__ import annotations

import re
from contextlib import aclosing
from datetime import date

import pytest

from console.console_support import Consoles, consoles, csrf_of
from lienthong.edxml import DocumentPackage, parse_package
from lienthong.store import NodeAudit, NodeStore
from node.node_network import RECIPIENT, SENDER
from trust.trust_pdf import minimal_pdf

__all__ = ["consoles"]
pytestmark = pytest.mark.anyio

_FILES = {"files": ("to-trinh.pdf", minimal_pdf("To trinh"), "application/pdf")}


def _offered(html: str) -> list[str]:
    return re.findall(r'name="to" value="([^"]+)"', html)


async def test_compose_fields_land_in_the_package(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose")
        assert 'id="kind"' in page.text and ">Tờ trình<" in page.text and 'id="urgency"' in page.text
        fields = {
            "csrf": csrf_of(page.text),
            "sender": SENDER,
            "number": "88",
            "notation": "TTr-UBND",
            "subject": "Tờ trình về kế hoạch năm",
            "kind": "16",
            "urgency": "3",
            "due_date": "2027-01-15",
            "competence": "TM.",
            "on_behalf_of": "ỦY BAN NHÂN DÂN",
            "position": "CHỦ TỊCH",
            "signer_name": "Nguyễn Văn A",
            "to": RECIPIENT,
            "sign": "1",
        }
        response = await client.post("/console/compose", data=fields, files=_FILES)
        assert response.status_code == 303, response.text
        message_id = response.headers["location"].split("/")[3].split("?")[0]

    network = consoles.network
    with NodeStore.begin(network.sender.database, write=False) as store:
        entry = store.outbox(message_id=message_id)[0]
    package = parse_package(b"".join(network.sender.blobs.read_verified(entry.item.package_sha256)))
    assert isinstance(package, DocumentPackage)
    header = package.header
    kind = header.document_type
    assert kind is not None and (kind.type, kind.type_detail, kind.type_name) == (1, 16, "Tờ trình")
    assert header.signer_info is not None
    assert header.signer_info.competence == "TM. ỦY BAN NHÂN DÂN"
    assert (header.signer_info.position, header.signer_info.full_name) == ("CHỦ TỊCH", "Nguyễn Văn A")
    assert header.other_info is not None and header.other_info.priority == 3  # hỏa tốc
    assert header.due_date == date(2027, 1, 15)
    assert [t.organ_id for t in header.to] == [RECIPIENT]
    with NodeAudit.begin(network.sender.database) as audit:
        sent = audit.entries(action="document-sent")
    assert [(e.actor, e.target) for e in sent] == [("hoa", message_id)]

    await consoles.deliver()  # the recipient's clerk sees the type, urgency and due date
    clerk = await consoles.login(consoles.receiver_app, "lan")
    async with aclosing(clerk):
        page = await clerk.get(f"/console/inbox/{message_id}-{RECIPIENT}")
    assert "<dd>Tờ trình</dd>" in page.text and "Hỏa tốc" in page.text and "15/01/2027" in page.text


async def test_the_sender_is_not_a_recipient(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose")
        assert RECIPIENT in _offered(page.text) and SENDER not in _offered(page.text)
        fields = {"csrf": csrf_of(page.text), "sender": SENDER, "number": "1", "notation": "UBND"}
        fields |= {"subject": "Tự gửi", "to": SENDER}
        response = await client.post("/console/compose", data=fields, files=_FILES)
        assert response.status_code == 422
        assert 'id="to-error"' in response.text and "Cơ quan gửi không thể là nơi nhận." in response.text


async def test_one_search_box_without_diacritics_keeps_the_draft(consoles: Consoles) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose")
        assert page.text.count('type="search"') == 1  # one box: it filters as one types, or GETs
        # What the search button sends without JS: the whole draft as a GET (the token is dropped).
        query = {
            "csrf": csrf_of(page.text),
            "sender": SENDER,
            "subject": "Báo cáo",
            "q": "van phong CHINH phu",
        }
        found = await client.get("/console/compose", params=query)
        assert found.status_code == 303 and "csrf" not in found.headers["location"]
        found = await client.get(found.headers["location"])
        assert _offered(found.text) == [RECIPIENT]  # Văn phòng Chính phủ, typed without marks
        assert ">Báo cáo</textarea>" in found.text  # the draft stays
        assert 'data-text="000.00.00.g22 van phong chinh phu"' in found.text  # what JS filters on
        none = await client.get("/console/compose", params={"q": "đồng tháp xyz"})
        assert _offered(none.text) == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"competence": "KT."}, "on_behalf_of"),  # for whom?
        ({"on_behalf_of": "BỘ TRƯỞNG"}, "competence"),  # how?
        ({"competence": "XX.", "on_behalf_of": "BỘ TRƯỞNG", "signer_name": "A"}, "competence"),
        ({"position": "CHÁNH VĂN PHÒNG"}, "signer_name"),
        ({"kind": "999"}, "kind"),
        ({"urgency": "9"}, "urgency"),
        ({"due_date": "2000-01-01"}, "due_date"),
        ({"due_date": "15/01/2027"}, "due_date"),
    ],
)
async def test_each_problem_is_answered_next_to_its_field(
    consoles: Consoles, fields: dict[str, str], field: str
) -> None:
    client = await consoles.login(consoles.sender_app, "hoa")
    async with aclosing(client):
        page = await client.get("/console/compose")
        data = {"csrf": csrf_of(page.text), "sender": SENDER, "number": "2", "notation": "UBND"}
        data |= {"subject": "Thử", "to": RECIPIENT, **fields}
        response = await client.post("/console/compose", data=data, files=_FILES)
        assert response.status_code == 422
        assert f'id="{field}-error"' in response.text
        assert f'aria-describedby="{field}-error"' in response.text
