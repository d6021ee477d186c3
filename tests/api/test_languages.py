"""Issue #14: the same failing API call, asked in English and in Vietnamese in one process,
gets a problem body in each language with the same code, message code and parameters; VXP
answers keep HTTP 200 and their ErrorCode with ErrorDesc in the language asked; reasons kept as
data (receipts' refusals, delivery and webhook failures) are returned as data and as a sentence
in the language asked, old sentences as they are."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from api.api_network import Api
from api.test_vxp import Vxp
from lienthong._i18n import Message, msg
from lienthong.api import event_model
from lienthong.evidence import LogKind, dump_message, load_message
from lienthong.store import EventEntry, PackageKind
from node.node_network import RECIPIENT, SUCCESSOR

pytestmark = pytest.mark.anyio


async def _asked(
    http: httpx.AsyncClient, method: str, path: str, **kw: object
) -> tuple[httpx.Response, httpx.Response]:
    answers = []
    for language in ("en", "vi"):
        headers = {**kw.pop("headers", {}), "Accept-Language": language}  # type: ignore[dict-item]
        answer = await http.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
        assert answer.headers["Content-Language"] == language, answer.headers
        answers.append(answer)
        kw["headers"] = {k: v for k, v in headers.items() if k != "Accept-Language"}
    return answers[0], answers[1]


def _same_data(en: httpx.Response, vi: httpx.Response) -> dict[str, object]:
    assert en.status_code == vi.status_code
    data = {key: en.json()[key] for key in ("code", "message_code", "params")}
    assert data == {key: vi.json()[key] for key in ("code", "message_code", "params")}
    return data


async def test_a_refused_call_is_answered_in_english_or_vietnamese_with_the_same_data(api: Api) -> None:
    en, vi = await _asked(api.receiver, "GET", "/api/v1/inbox", params={"agency": SUCCESSOR})
    assert en.status_code == 403
    assert _same_data(en, vi) == {
        "code": "scope-forbidden",
        "message_code": "api-scope-forbidden",
        "params": {"code": SUCCESSOR, "codes": RECIPIENT},
    }
    assert en.json()["message"] == f"this token may not act for {SUCCESSOR}, only for: {RECIPIENT}"
    assert (
        vi.json()["message"]
        == f"mã truy cập này không được thao tác thay mã {SUCCESSOR}, chỉ thay: {RECIPIENT}"
    )
    unasked = await api.receiver.get("/api/v1/inbox", params={"agency": SUCCESSOR})
    assert unasked.json()["message"] == vi.json()["message"]  # Vietnamese unless asked otherwise


async def test_not_found_unauthenticated_and_refused_bodies_speak_the_language_asked(api: Api) -> None:
    item = f"{'a' * 64}-{RECIPIENT}"
    en, vi = await _asked(api.receiver, "GET", f"/api/v1/inbox/{item}")
    assert en.status_code == 404 and _same_data(en, vi)["message_code"] == "api-received-item-unknown"
    assert en.json()["message"] == f"no received item {item}"
    assert vi.json()["message"] == f"không có văn bản đến {item}"
    # Refused by the body guard, before the body is read: no token, then too large.
    en, vi = await _asked(
        api.sender, "POST", "/api/v1/documents", content=b"<x/>", headers={"Authorization": ""}
    )
    assert en.status_code == 401 and _same_data(en, vi)["message_code"] == "api-token-required"
    assert (en.json()["message"], vi.json()["message"]) == (
        "a bearer token is required",
        "cần mã truy cập (Bearer)",
    )
    en, vi = await _asked(api.sender, "POST", "/api/v1/documents", content=b"x" * 300_000)
    assert en.status_code == 413
    assert _same_data(en, vi) == {
        "code": "upload-too-large",
        "message_code": "api-upload-too-large",
        "params": {"limit": 200_000},
    }
    assert en.json()["message"] == "the upload exceeds the limit of 200000 bytes"
    assert vi.json()["message"] == "tải lên vượt giới hạn 200000 byte"
    en, vi = await _asked(api.sender, "GET", "/api/v1/nowhere")
    assert en.status_code == 404 and _same_data(en, vi)["code"] == "not-found"
    en, vi = await _asked(api.sender, "POST", "/api/v1/outbox/x/recall", json={})
    assert en.status_code == 400 and _same_data(en, vi)["message_code"] == "net-request-invalid"
    assert en.json()["message"].startswith("Invalid request: body.reason")
    assert vi.json()["message"].startswith("Yêu cầu không hợp lệ: body.reason")


async def test_vxp_failures_keep_their_error_code_and_speak_the_language_asked(api: Api) -> None:
    vxp = Vxp(api.receiver, api.vxp_secret)
    answers = {}
    for language in ("en", "vi"):
        answer = await vxp.call(
            "updateStatus", {"docId": "x", "status": "later"}, override={"Accept-Language": language}
        )
        assert answer.status_code == 200 and answer.headers["Content-Language"] == language
        answers[language] = answer.json()
    assert answers["en"] == {
        "status": "FAIL",
        "ErrorCode": "vxp-bad-status",
        "ErrorDesc": "status must be done or fail, not later",
    }
    assert answers["vi"] == {**answers["en"], "ErrorDesc": "status phải là done hoặc fail, không phải later"}
    for language, said in (
        ("en", "XroadVnpt-* authentication headers missing"),
        ("vi", "thiếu tiêu đề xác thực XroadVnpt-*"),
    ):
        unsigned = await api.receiver.post("/vxp/getEdoc", headers={"Accept-Language": language})
        assert unsigned.status_code == 200
        assert unsigned.json() == {"status": "FAIL", "ErrorCode": "vxp-auth-missing", "ErrorDesc": said}
    default = await api.receiver.post("/vxp/noSuchOperation")
    assert default.json()["ErrorCode"] == "vxp-unknown-operation"
    assert default.json()["ErrorDesc"] == "không có thao tác noSuchOperation"  # Vietnamese by default


def _event(reason: Message | str | None) -> EventEntry:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return EventEntry(
        1,
        at,
        LogKind.RECEIPT_IN,
        "m" * 64,
        "d",
        RECIPIENT,
        SUCCESSOR,
        PackageKind.DOCUMENT,
        accepted=False,
        reason=reason,
    )


def test_a_reason_kept_as_data_is_returned_as_data_and_in_the_language_asked() -> None:
    why = msg("api-vxp-param-missing", name="docId")
    assert load_message(dump_message(why)) == why  # as the store keeps it and reads it back
    en, vi = event_model(_event(why), "en"), event_model(_event(why), "vi")
    assert en.reason == "parameter docId is missing" and vi.reason == "thiếu tham số docId"
    assert (
        en.reason_message
        == vi.reason_message
        == {"code": "api-vxp-param-missing", "params": {"name": "docId"}}
    )
    old = event_model(_event("gói tin bị từ chối"), "en")  # a sentence stored before: shown as it is
    assert old.reason == "gói tin bị từ chối" and old.reason_message is None
    assert event_model(_event(None), "en").reason is None
