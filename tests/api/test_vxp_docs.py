"""The OpenAPI document describes the VXP-compatible operations (tag VXP): each of the twelve
with its signed headers, its own parameters, its body and its answers; describing them changed
nothing of how they answer."""

from __future__ import annotations

from typing import Any

import pytest

from api.api_network import Api
from api.test_vxp import Vxp
from node.node_network import document

pytestmark = pytest.mark.anyio

#: EDXML.md §4's operations, and the parameters (beyond the signature's) each one reads.
EXPECTED = {
    "sendEdoc": {"from", "servicetype", "messagetype", "to", "hash-file", "Content-Type"},
    "getReceivedEdocList": {"servicetype", "messagetype"},
    "getEdoc": {"docId"},
    "downloadEdoc": {"docId"},
    "updateStatus": {"docId", "status"},
    "getSentEdocList": {"servicetype", "messagetype", "docId"},
    "countReceiveEdoc": set(),
    "countReceiveStatus": set(),
    "getAgenciesList": set(),
    "getSynchronizeUnit": set(),
    "registerAgency": set(),
    "deleteAgency": set(),
}
SIGNATURE = {"systemid", "timestamp", "sign-header-key", "sign-header", "hash-header", "version"}


async def _document(api: Api) -> dict[str, Any]:
    answer = await api.receiver.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


async def test_openapi_lists_all_twelve_vxp_operations_with_their_headers(api: Api) -> None:
    document = await _document(api)
    vxp = {path: item for path, item in document["paths"].items() if path.startswith("/vxp/")}
    assert set(vxp) == {f"/vxp/{name}" for name in EXPECTED}
    for name, own in EXPECTED.items():
        operation = vxp[f"/vxp/{name}"]["post"]
        assert operation["tags"] == ["VXP"], name
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {f"XroadVnpt-{n}" for n in SIGNATURE | own}, name
        required = {p["name"] for p in operation["parameters"] if p["required"]}
        assert {"XroadVnpt-systemid", "XroadVnpt-timestamp", "XroadVnpt-hash-header"} <= required
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        properties = document["components"]["schemas"][answer.rsplit("/", 1)[1]]["properties"]
        assert {"status", "ErrorCode", "ErrorDesc"} <= set(properties), name
        assert operation["responses"]["413"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/Problem"
        ), name
    send = vxp["/vxp/sendEdoc"]["post"]
    assert "application/octet-stream" in send["requestBody"]["content"]
    assert "application/octet-stream" in vxp["/vxp/downloadEdoc"]["post"]["responses"]["200"]["content"]
    assert "vxp-hash-file" in send["responses"]["200"]["description"]


async def test_openapi_vxp_tag_explains_signing_timestamp_and_error_codes(api: Api) -> None:
    (tag,) = [t for t in (await _document(api))["tags"] if t["name"] == "VXP"]
    for needed in ("ddMMyyyy'T'HHmmss+SSSS", "HMAC-SHA256", "sign-header-key", "HTTP 200"):
        assert needed in tag["description"]
    for code in ("vxp-auth-missing", "vxp-auth-failed", "vxp-stale", "vxp-replay", "vxp-unknown-operation"):
        assert f"`{code}`" in tag["description"]


async def test_documented_vxp_routes_answer_as_before(api: Api) -> None:
    vxp = Vxp(api.receiver, api.vxp_secret)
    # Unsigned: the VXP refusal with HTTP 200, not FastAPI's 422 for a missing header.
    bare = await api.receiver.post("/vxp/countReceiveEdoc", headers={"Authorization": ""})
    assert bare.status_code == 200 and bare.json()["ErrorCode"] == "vxp-auth-missing"
    # GET still reaches the operations, and unknown ones still answer in VXP form.
    got = await api.receiver.get("/vxp/getAgenciesList", headers={"Authorization": ""})
    assert got.status_code == 200 and got.json()["ErrorCode"] == "vxp-auth-missing"
    unknown = await api.receiver.post("/vxp/nothing")
    assert unknown.status_code == 200 and unknown.json()["ErrorCode"] == "vxp-unknown-operation"
    counted = (await vxp.call("countReceiveEdoc", {})).json()
    assert counted["status"] == "OK" and counted["count"] == 0


async def test_documented_vxp_answers_are_the_answers_given(api: Api) -> None:
    vxp = Vxp(api.receiver, api.vxp_secret)
    await api.sender.post("/api/v1/documents", content=document("302"))
    await api.deliver()
    schemas = (await _document(api))["components"]["schemas"]

    def fields(model: str, answer: dict[str, Any]) -> None:
        documented = set(schemas[model]["properties"])
        assert set(answer) <= documented and set(schemas[model]["required"]) <= set(answer), model

    listed = (await vxp.call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": "edoc"})).json()
    fields("ReceivedList", listed)
    (item,) = listed["data"]
    assert set(item) == set(schemas["ReceivedItem"]["properties"])
    fields("PackageAnswer", (await vxp.call("getEdoc", {"docId": item["docId"]})).json())
    fields("CountAnswer", (await vxp.call("countReceiveStatus", {})).json())
    agencies = (await vxp.call("getAgenciesList", {})).json()
    fields("AgencyList", agencies)
    assert set(agencies["data"][0]) == set(schemas["AgencyItem"]["properties"])
    units = (await vxp.call("getSynchronizeUnit", {})).json()
    fields("UnitList", units)
    assert set(units["data"][0]) <= set(schemas["Agency"]["properties"])
    fields("SentList", (await vxp.call("getSentEdocList", {"servicetype": "eDoc"})).json())
    refused = (await vxp.call("registerAgency", {})).json()
    fields("VxpAnswer", refused)
    assert refused["ErrorCode"] == "vxp-directory-only"
