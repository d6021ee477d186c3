"""The REST API end to end between two nodes: send, list, read, acknowledge, statuses, recall."""

from __future__ import annotations

import json

import pytest

from api.api_network import Api
from node.node_network import RECIPIENT, SENDER, document

pytestmark = pytest.mark.anyio


async def test_send_list_read_ack_and_statuses(api: Api) -> None:
    sent = await api.sender.post("/api/v1/documents", content=document("101"))
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["message_id"]
    assert sent.json()["recipients"] == [RECIPIENT]
    await api.deliver()

    page = (await api.receiver.get("/api/v1/inbox", params={"acknowledged": "false"})).json()
    assert [i["message_id"] for i in page["items"]] == [message_id]
    item = page["items"][0]["id"]
    view_answer = await api.receiver.get(f"/api/v1/inbox/{item}")
    assert view_answer.status_code == 200, view_answer.text
    view = view_answer.json()
    assert "V/v văn bản số 101" in json.dumps(view["package"], ensure_ascii=False)
    assert view["signature"]
    package = await api.receiver.get(f"/api/v1/inbox/{item}/package")
    assert package.status_code == 200 and b"Signature" in package.content
    pdf = await api.receiver.get(f"/api/v1/inbox/{item}/attachments/1")
    assert pdf.content == b"%PDF-1.4\n%%EOF\n"

    assert (await api.receiver.post(f"/api/v1/inbox/{item}/ack")).status_code == 204
    page = (await api.receiver.get("/api/v1/inbox", params={"acknowledged": "false"})).json()
    assert page["items"] == []

    early = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "06"})
    assert early.status_code == 409 and early.json()["code"] == "status-out-of-order"
    for code in ("01", "03", "04", "05", "06"):
        answer = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": code})
        assert answer.status_code == 201, answer.text
    late = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "02", "description": "x"})
    assert late.status_code == 409
    await api.deliver()

    out = (await api.sender.get(f"/api/v1/outbox/{message_id}")).json()
    assert out["recipients"][0]["delivery"] == "delivered"
    assert out["recipients"][0]["business_status"] == "06"
    assert [s["status_code"] for s in out["timeline"]] == ["01", "03", "04", "05", "06"]
    listed = (await api.sender.get("/api/v1/outbox")).json()
    assert [m["message_id"] for m in listed["items"]] == [message_id]


async def test_compose_recall_and_answer(api: Api) -> None:
    metadata = {
        "sender": SENDER,
        "to": [RECIPIENT],
        "number": "55",
        "notation": "UBND-VP",
        "subject": "Về việc họp",
    }
    sent = await api.sender.post(
        "/api/v1/documents/compose",
        data={"metadata": json.dumps(metadata)},
        files={"files": ("qd.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["message_id"]
    await api.deliver()
    item = (await api.receiver.get("/api/v1/inbox")).json()["items"][0]["id"]
    early = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "15"})
    assert early.status_code == 409
    recall = await api.sender.post(f"/api/v1/outbox/{message_id}/recall", json={"reason": "sai sót"})
    assert recall.status_code == 201, recall.text
    await api.deliver()
    statuses = (await api.receiver.get("/api/v1/inbox", params={"kind": "status"})).json()["items"]
    assert len(statuses) == 1
    answer = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "15"})
    assert answer.status_code == 201, answer.text
    await api.deliver()
    out = (await api.sender.get(f"/api/v1/outbox/{message_id}")).json()
    assert out["recipients"][0]["business_status"] == "15"

    update = await api.sender.post(
        f"/api/v1/outbox/{message_id}/update",
        data={"metadata": json.dumps({**metadata, "number": "56"})},
        files={"files": ("qd2.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert update.status_code == 201, update.text
    await api.deliver()
    items = (await api.receiver.get("/api/v1/inbox", params={"kind": "document"})).json()["items"]
    assert items[0]["disposition"] == "updated"


async def test_agencies(api: Api) -> None:
    one = await api.receiver.get(f"/api/v1/agencies/{RECIPIENT}")
    assert one.status_code == 200 and one.json()["node"] == "vpcp"
    served = (await api.receiver.get("/api/v1/agencies", params={"served": "true"})).json()
    assert {a["code"] for a in served} >= {SENDER, RECIPIENT}
