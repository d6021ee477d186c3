"""Inbox items say what a person recognises a document by: subject, number, notation, sender's
name, and the last status its recipient reported (in the listing and in the item's view)."""

from __future__ import annotations

import pytest

from api.api_network import Api
from node.node_network import SENDER, document

pytestmark = pytest.mark.anyio


async def test_inbox_items_carry_subject_number_sender_name_and_status_sent(api: Api) -> None:
    sent = await api.sender.post("/api/v1/documents", content=document("811"))
    assert sent.status_code == 201, sent.text
    await api.deliver()
    item = (await api.receiver.get("/api/v1/inbox")).json()["items"][0]
    assert item["sender"] == SENDER and item["sender_name"] == "UBND tỉnh Nghệ An"
    assert item["subject"] == "V/v văn bản số 811"
    assert (item["number"], item["notation"]) == ("811", "UBND-VP")
    assert item["status_sent"] is None
    answered = await api.receiver.post(f"/api/v1/inbox/{item['id']}/status", json={"code": "03"})
    assert answered.status_code == 201, answered.text
    listed = (await api.receiver.get("/api/v1/inbox", params={"kind": "document"})).json()["items"][0]
    assert listed["status_sent"] == "03"
    view = (await api.receiver.get(f"/api/v1/inbox/{item['id']}")).json()["item"]
    assert view["subject"] == "V/v văn bản số 811" and view["status_sent"] == "03"


async def test_status_items_carry_no_document_fields(api: Api) -> None:
    sent = await api.sender.post("/api/v1/documents", content=document("812"))
    await api.deliver()
    item = (await api.receiver.get("/api/v1/inbox")).json()["items"][0]["id"]
    await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "01"})
    await api.deliver()
    statuses = (await api.sender.get("/api/v1/inbox", params={"kind": "status"})).json()["items"]
    assert sent.status_code == 201 and len(statuses) == 1
    assert statuses[0]["subject"] is None and statuses[0]["status_sent"] is None
