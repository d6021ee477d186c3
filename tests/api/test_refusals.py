"""Bad requests refused with JSON ``{"code", "message"}`` from the one handler table."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest

from api.api_network import Api
from lienthong.api import ApiSettings, add_client, create_app
from lienthong.edxml import DocumentPackage, parse_package, write_package
from lienthong.store import NodeStore
from node.node_network import AT, RECIPIENT, SENDER, SUCCESSOR, document

pytestmark = pytest.mark.anyio


async def test_refusals(api: Api) -> None:
    anonymous = await api.sender.get("/api/v1/inbox", headers={"Authorization": ""})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "authentication-required"
    wrong = await api.sender.get("/api/v1/inbox", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    scope = await api.receiver.get("/api/v1/inbox", params={"agency": SUCCESSOR})
    assert scope.status_code == 403 and scope.json()["code"] == "scope-forbidden"
    foreign = await api.receiver.post("/api/v1/documents", content=document("7"))  # From H41
    assert foreign.status_code == 403
    unknown = await api.receiver.get(f"/api/v1/inbox/{'a' * 64}-{RECIPIENT}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "document-unknown"
    garbage = await api.sender.post("/api/v1/documents", content=b"<not-edxml/>")
    assert garbage.status_code == 422 and garbage.json()["message"]
    big = await api.sender.post("/api/v1/documents", content=b"x" * 300_000)
    assert big.status_code == 413 and big.json()["code"] == "upload-too-large"

    sent = await api.sender.post("/api/v1/documents", content=document("9", to=(RECIPIENT, SUCCESSOR)))
    message_id = sent.json()["message_id"]
    await api.deliver()
    not_owned = await api.receiver.post(f"/api/v1/inbox/{message_id}-{SUCCESSOR}/status", json={"code": "03"})
    assert not_owned.status_code == 404 and not_owned.json()["code"] == "document-unknown"
    not_sender = await api.receiver.post(f"/api/v1/outbox/{message_id}/recall", json={"reason": "x"})
    assert not_sender.status_code == 404
    item = f"{message_id}-{RECIPIENT}"
    refusal = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "02"})
    assert refusal.status_code == 400 and "02" in refusal.json()["message"]
    bad_code = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "99"})
    assert bad_code.status_code == 400
    assert (await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "03"})).status_code == 201
    assert (await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "05"})).status_code == 201
    back = await api.receiver.post(f"/api/v1/inbox/{item}/status", json={"code": "04"})
    assert back.status_code == 409 and back.json()["code"] == "status-out-of-order"
    refuse_late = await api.receiver.post(
        f"/api/v1/inbox/{item}/status", json={"code": "02", "description": "x"}
    )
    assert refuse_late.status_code == 409
    assert SENDER


async def test_numbers_beyond_the_database_are_refused_not_failed(api: Api) -> None:
    huge = str(10**20)
    for path, name in (
        ("/api/v1/inbox", "cursor"),
        ("/api/v1/outbox", "cursor"),
        ("/api/v1/events", "after"),
    ):
        answer = await api.receiver.get(path, params={name: huge})
        assert answer.status_code in (400, 422), (path, answer.status_code, answer.text)
        assert answer.json()["code"] and answer.json()["message"]
    long_id = await api.receiver.get(f"/api/v1/inbox/{'a' * 64}-{'9' * 5000}")
    assert long_id.status_code in (400, 403, 404) and long_id.json()["code"]


def _same_body(found: httpx.Response, none: httpx.Response, found_id: str, none_id: str) -> bool:
    return found.status_code == none.status_code and found.text.replace(found_id, none_id) == none.text


async def test_another_agencys_document_is_answered_as_no_document(api: Api) -> None:
    sent = await api.sender.post("/api/v1/documents", content=document("31", to=(RECIPIENT, SUCCESSOR)))
    message_id = sent.json()["message_id"]
    await api.deliver()
    # A second client of each node, acting for another agency than the document's.
    stranger = add_client(api.network.sender.database, "qlvb-other", codes=[SUCCESSOR], at=AT).token
    neighbour = add_client(api.network.receiver.database, "qlvb-h42", codes=[SUCCESSOR], at=AT).token
    none_id = "f" * len(message_id)
    headers = {"Authorization": f"Bearer {stranger}"}
    for method, path, body in (
        ("GET", "/api/v1/outbox/{}", None),
        ("POST", "/api/v1/outbox/{}/recall", {"reason": "x"}),
    ):
        found = await api.sender.request(method, path.format(message_id), headers=headers, json=body)
        none = await api.sender.request(method, path.format(none_id), headers=headers, json=body)
        assert found.status_code == 404, (path, found.status_code, found.text)
        assert _same_body(found, none, message_id, none_id), (found.text, none.text)
    item, none_item = f"{message_id}-{RECIPIENT}", f"{none_id}-{RECIPIENT}"
    headers = {"Authorization": f"Bearer {neighbour}"}
    for path in ("/api/v1/inbox/{}", "/api/v1/inbox/{}/package", "/api/v1/inbox/{}/attachments/a"):
        found = await api.receiver.get(path.format(item), headers=headers)
        none = await api.receiver.get(path.format(none_item), headers=headers)
        assert found.status_code == 404, (path, found.status_code, found.text)
        assert _same_body(found, none, message_id, none_id), (found.text, none.text)
    for path, body in (("/api/v1/inbox/{}/ack", None), ("/api/v1/inbox/{}/status", {"code": "03"})):
        found = await api.receiver.post(path.format(item), headers=headers, json=body)
        none = await api.receiver.post(path.format(none_item), headers=headers, json=body)
        assert found.status_code == 404, (path, found.status_code, found.text)
        assert _same_body(found, none, message_id, none_id), (found.text, none.text)
    # The document's own clients still see it.
    assert (await api.sender.get(f"/api/v1/outbox/{message_id}")).status_code == 200
    assert (await api.receiver.get(f"/api/v1/inbox/{item}")).status_code == 200


async def test_over_long_fields_are_refused_at_submission_naming_the_field(api: Api) -> None:
    # An upload limit that lets the 2 MB subject reach the checks (the fixture's is 200 KB).
    app = create_app(api.network.sender, settings=ApiSettings(max_upload_bytes=8 << 20), clock=lambda: AT)
    headers = {"Authorization": api.sender.headers["Authorization"]}
    package = parse_package(document("41"))
    assert isinstance(package, DocumentPackage)
    long_subject = replace(package, header=replace(package.header, subject="x" * (2 << 20)))
    metadata = {
        "sender": SENDER,
        "to": [RECIPIENT],
        "number": "42",
        "notation": "y" * 100_000,
        "subject": "a",
    }
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://nghe-an", headers=headers
    ) as client:
        raw = await client.post("/api/v1/documents", content=write_package(long_subject))
        composed = await client.post(
            "/api/v1/documents/compose",
            data={"metadata": json.dumps(metadata)},
            files={"files": ("qd.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        )
    assert raw.status_code == 422 and raw.json()["code"] == "field-too-long", raw.text[:300]
    assert "Subject" in raw.json()["message"] and "500" in raw.json()["message"]
    assert composed.status_code == 422 and composed.json()["code"] == "field-too-long", composed.text[:300]
    assert "Code/CodeNotation" in composed.json()["message"] and "100000" in composed.json()["message"]
    with NodeStore.begin(api.network.sender.database, write=False) as store:
        assert store.outbox() == []
