"""The REST document view: a document is its sender's, and a recipient sees its own statuses.

G22 (at vpcp) and G09 (at nghe-an) both send H41 a document with G22's DocumentId; H41 refuses
G09's and registers G22's. Two units of Hà Nội at vpcp receive one document; one refuses it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.api_network import Api
from lienthong.api import add_client
from lienthong.store import Database
from node.node_network import AT, HANOI, HANOI_UNIT, OTHER_SENDER, RECIPIENT, SENDER, document

pytestmark = pytest.mark.anyio

G22 = RECIPIENT  # here the original sender
G09 = OTHER_SENDER
H41 = SENDER
G22_ID = "000.00.00.G22,2026/03/02,7816/VPCP-TTĐT"


@asynccontextmanager
async def _client(
    app: FastAPI, database: Database, name: str, codes: Sequence[str]
) -> AsyncIterator[httpx.AsyncClient]:
    token = add_client(database, name, codes=list(codes), at=AT).token
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://node",
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client


async def _items(client: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    answer = await client.get("/api/v1/inbox", params={"kind": "document", **params})
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def _status(client: httpx.AsyncClient, item: str, code: str, description: str | None = None) -> None:
    answer = await client.post(
        f"/api/v1/inbox/{item}/status", json={"code": code, "description": description}
    )
    assert answer.status_code == 201, answer.text


async def _timeline(client: httpx.AsyncClient, item: str) -> list[dict[str, Any]]:
    view = await client.get(f"/api/v1/inbox/{item}")
    assert view.status_code == 200, view.text
    steps: list[dict[str, Any]] = view.json()["timeline"]
    return steps


async def test_another_senders_reuse_of_a_document_id_never_shows_on_the_original(api: Api) -> None:
    original = await api.receiver.post(
        "/api/v1/documents", content=document("7816", sender=G22, to=(H41,), document_id=G22_ID)
    )
    assert original.status_code == 201, original.text
    async with _client(api.sender_app, api.network.sender.database, "qlvb-bnv", [G09]) as g09:
        copy = await g09.post(
            "/api/v1/documents", content=document("9", sender=G09, to=(H41,), document_id=G22_ID)
        )
    assert copy.status_code == 201, copy.text  # accepted, under G09's own key
    assert copy.json()["message_id"] != original.json()["message_id"]
    await api.deliver()
    by_sender = {i["sender"]: i for i in await _items(api.sender)}
    assert {by_sender[G22]["document_id"], by_sender[G09]["document_id"]} == {G22_ID}
    await _status(api.sender, by_sender[G09]["id"], "02", "trùng số với văn bản khác")
    await _status(api.sender, by_sender[G22]["id"], "03")
    await api.deliver()

    steps = await _timeline(api.sender, by_sender[G22]["id"])
    assert [s["status_code"] for s in steps] == ["03"]
    assert [s["status_code"] for s in await _timeline(api.sender, by_sender[G09]["id"])] == ["02"]
    view = (await api.sender.get(f"/api/v1/inbox/{by_sender[G22]['id']}")).json()
    assert (view["package"]["from"], view["package"]["subject"]) == (G22, "V/v văn bản số 7816")  # untouched
    sent = (await api.receiver.get(f"/api/v1/outbox/{original.json()['message_id']}")).json()
    assert [s["status_code"] for s in sent["timeline"]] == ["03"]  # at G22's node, G09's 02 never came


async def test_a_unit_does_not_see_another_recipients_refusal(api: Api) -> None:
    database = api.network.receiver.database
    sent = await api.receiver.post(
        "/api/v1/documents", content=document("12", sender=G22, to=(HANOI, HANOI_UNIT))
    )
    assert sent.status_code == 201, sent.text
    await api.deliver()
    async with (
        _client(api.receiver_app, database, "qlvb-hn", [HANOI]) as hanoi,
        _client(api.receiver_app, database, "qlvb-snv-hn", [HANOI_UNIT]) as unit,
    ):
        (refused,) = await _items(hanoi)
        await _status(hanoi, refused["id"], "02", "không thuộc thẩm quyền của thành phố")
        (mine,) = await _items(unit)
        await _status(unit, mine["id"], "01")
        steps = await _timeline(unit, mine["id"])
        assert [(s["reporter"], s["status_code"]) for s in steps] == [(HANOI_UNIT, "01")]
        assert "thẩm quyền" not in json.dumps(steps, ensure_ascii=False)
        assert [s["status_code"] for s in await _timeline(hanoi, refused["id"])] == ["02"]
