"""A VXP client written here from EDXML.md §4 alone (hmac + json), against the node's VXP API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from api.api_network import Api
from lienthong.edxml import StatusCode
from node.node_network import AT, RECIPIENT, SENDER, document, status

pytestmark = pytest.mark.anyio
_VN = timezone(timedelta(hours=7))


def vxp_headers(
    params: dict[str, str], *, systemid: str, secret: str, at: datetime, ctype: str
) -> dict[str, str]:
    """Headers exactly as §4 describes: each logical name prefixed, a JSON of them, its HMAC."""
    local = at.astimezone(_VN)
    stamp = local.strftime("%d%m%YT%H%M%S") + f"+{local.microsecond // 1000:04d}"
    logical = {"systemid": systemid, "timestamp": stamp, "Content-Type": ctype, **params}
    signed = {f"XroadVnpt-{k}": v for k, v in reversed(list(logical.items()))}  # any order
    text = json.dumps(signed, separators=(",", ":"), ensure_ascii=False)
    mac = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {
        **signed,
        "XroadVnpt-sign-header-key": ";".join(logical),
        "XroadVnpt-sign-header": text,
        "XroadVnpt-hash-header": mac,
        "XroadVnpt-version": "3.0.201608",
        "User-Agent": "JAVASDKAgent/1.0.0 XRoad/VPCP",
        "Content-Type": ctype,
    }


def unpadded(data: bytes) -> str:
    return "".join(format(b, "x") for b in hashlib.sha256(data).digest())


class Vxp:
    def __init__(self, http: httpx.AsyncClient, secret: str) -> None:
        self.http, self.secret, self.tick = http, secret, 0

    async def call(
        self, op: str, params: dict[str, str], body: bytes = b"", override: dict[str, str] | None = None
    ) -> httpx.Response:
        self.tick += 1  # a new timestamp per call: identical calls are replays
        at = AT + timedelta(milliseconds=self.tick)
        headers = vxp_headers(
            params, systemid="vpcp-qlvb", secret=self.secret, at=at, ctype="application/octet-stream"
        )
        headers.update(override or {})
        return await self.http.post(f"/vxp/{op}", content=body, headers={"Authorization": ""} | headers)


async def test_vxp_end_to_end(api: Api) -> None:
    vxp = Vxp(api.receiver, api.vxp_secret)
    sent = await api.sender.post("/api/v1/documents", content=document("301"))
    await api.deliver()
    assert (await vxp.call("countReceiveEdoc", {"servicetype": "eDoc", "messagetype": "edoc"})).json()[
        "count"
    ] == 1
    listed = (await vxp.call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": "edoc"})).json()
    assert listed["status"] == "OK" and listed["ErrorCode"] == "0"
    (entry,) = listed["data"]
    assert entry["from"] == SENDER and entry["to"] == RECIPIENT
    got = (await vxp.call("getEdoc", {"docId": entry["docId"]})).json()
    package = base64.b64decode(got["data"])
    assert b"V/v v" in package
    download = await vxp.call("downloadEdoc", {"docId": entry["docId"]})
    assert download.content == package
    done = (await vxp.call("updateStatus", {"docid": entry["docId"], "status": "done"})).json()
    assert done["status"] == "OK"
    assert (await vxp.call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": "edoc"})).json()[
        "data"
    ] == []

    document_id = sent.json()["document_id"]
    answer = status(document_id, StatusCode.RECEIVED)
    params = {
        "from": RECIPIENT,
        "servicetype": "eDoc",
        "messagetype": "status",
        "hash-file": unpadded(answer),
    }
    posted = (await vxp.call("sendEdoc", params, answer)).json()
    assert posted["status"] == "OK", posted
    await api.deliver()
    out = (await api.sender.get(f"/api/v1/outbox/{sent.json()['message_id']}")).json()
    assert out["recipients"][0]["business_status"] == "01"
    sent_list = (await vxp.call("getSentEdocList", {"servicetype": "eDoc", "messagetype": "status"})).json()
    assert sent_list["data"][0]["toCode"] == SENDER

    agencies = (await vxp.call("getAgenciesList", {})).json()
    assert {a["code"] for a in agencies["data"]} >= {SENDER, RECIPIENT}
    assert (await vxp.call("registerAgency", {})).json()["status"] == "FAIL"


async def test_vxp_refusals(api: Api) -> None:
    vxp = Vxp(api.receiver, api.vxp_secret)
    params = {"servicetype": "eDoc", "messagetype": "edoc"}
    bad = (await vxp.call("getReceivedEdocList", params, override={"XroadVnpt-hash-header": "0" * 64})).json()
    assert bad["status"] == "FAIL" and bad["ErrorCode"] == "vxp-auth-failed"
    wrong_secret = Vxp(api.receiver, "not-the-secret")
    wrong = (await wrong_secret.call("getReceivedEdocList", params)).json()
    stale = vxp_headers(
        params, systemid="vpcp-qlvb", secret=api.vxp_secret, at=AT - timedelta(minutes=6), ctype="x"
    )
    answer = (
        await api.receiver.post("/vxp/getReceivedEdocList", headers={"Authorization": ""} | stale)
    ).json()
    assert answer["ErrorCode"] == "vxp-stale"
    once = vxp_headers(params, systemid="vpcp-qlvb", secret=api.vxp_secret, at=AT, ctype="x")
    first = (await api.receiver.post("/vxp/getReceivedEdocList", headers={"Authorization": ""} | once)).json()
    again = (await api.receiver.post("/vxp/getReceivedEdocList", headers={"Authorization": ""} | once)).json()
    assert first["status"] == "OK" and again["ErrorCode"] == "vxp-replay"
    unknown = vxp_headers(params, systemid="nobody", secret="x", at=AT, ctype="x")
    # An unknown systemid and a wrong HMAC: one answer, so neither tells which systemids exist.
    unknown_answer = (await api.receiver.post("/vxp/getReceivedEdocList", headers=unknown)).json()
    assert unknown_answer == wrong == bad
    doc = document("1", sender=RECIPIENT)
    send = {"from": RECIPIENT, "servicetype": "eDoc", "messagetype": "edoc", "hash-file": "ab" * 32}
    assert (await vxp.call("sendEdoc", send, doc)).json()["ErrorCode"] == "vxp-hash-file"
    send["hash-file"] = hashlib.sha256(b"<x/>").hexdigest()
    malformed = (await vxp.call("sendEdoc", send, b"<x/>")).json()
    assert malformed["status"] == "FAIL" and malformed["ErrorDesc"]
    send["from"] = SENDER
    send["hash-file"] = hashlib.sha256(doc).hexdigest()
    assert (await vxp.call("sendEdoc", send, doc)).json()["ErrorCode"] == "scope-forbidden"
