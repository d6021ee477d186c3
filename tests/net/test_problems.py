"""The shared problem handlers answer in the language the request asks for (``Accept-Language``,
Vietnamese by default), with the message as data beside the sentence: domain errors, request
validation, 404/405 and failures of our own, in one app and one process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from lienthong._i18n import msg, render
from lienthong.errors import LienthongError
from lienthong.net import install_problem_handlers, request_language


class Refused(LienthongError):
    code = "refused"


class Broken(LienthongError):
    code = "broken"


pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


_TABLE = {LienthongError: 400, Refused: 409, Broken: 500}
_LOG = logging.getLogger("test.problems")


class Note(BaseModel):
    text: str


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app, _TABLE, realm="test", internal=msg("api-internal-error"), log=_LOG)

    @app.get("/refused")
    def refused() -> None:
        raise Refused(msg("net-body-too-large", limit=7))

    @app.get("/broken")
    def broken() -> None:
        raise Broken("SELECT secret FROM somewhere")

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("/home/secret/path")

    @app.post("/notes")
    def add(note: Note) -> int:
        return len(note.text)

    return app


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def _both(http: httpx.AsyncClient, method: str, path: str, **kw: object) -> dict[str, httpx.Response]:
    answers = {}
    for asked in ("en", "vi"):
        answers[asked] = await http.request(method, path, headers={"Accept-Language": asked}, **kw)  # type: ignore[arg-type]
        assert answers[asked].headers["Content-Language"] == asked
    return answers


async def test_a_domain_error_is_answered_in_the_language_asked_with_the_same_data(
    http: httpx.AsyncClient,
) -> None:
    answers = await _both(http, "GET", "/refused")
    en, vi = answers["en"].json(), answers["vi"].json()
    assert answers["en"].status_code == answers["vi"].status_code == 409
    assert en["message"] == "the request body exceeds 7 bytes"
    assert vi["message"] == "thân yêu cầu vượt giới hạn 7 byte"
    for body in (en, vi):
        assert (body["code"], body["message_code"], body["params"]) == (
            "refused",
            "net-body-too-large",
            {"limit": 7},
        )
    unasked = await http.get("/refused")  # Vietnamese by default
    assert unasked.json()["message"] == vi["message"] and unasked.headers["Content-Language"] == "vi"
    preferred = await http.get("/refused", headers={"Accept-Language": "fr, en;q=0.4, vi;q=0.2"})
    assert preferred.json()["message"] == en["message"]


async def test_not_found_method_not_allowed_and_validation_speak_the_language_asked(
    http: httpx.AsyncClient,
) -> None:
    missing = await _both(http, "GET", "/nowhere")
    assert {a.json()["code"] for a in missing.values()} == {"not-found"}
    assert missing["en"].json()["message"] == "not found: /nowhere"
    assert missing["vi"].json()["message"] == "không có /nowhere"
    assert missing["en"].json()["params"] == missing["vi"].json()["params"] == {"path": "/nowhere"}
    wrong = await _both(http, "DELETE", "/refused")
    assert {(a.status_code, a.json()["code"], a.json()["message_code"]) for a in wrong.values()} == {
        (405, "method-not-allowed", "net-method-not-allowed")
    }
    assert "DELETE" in wrong["en"].json()["message"] and "phương thức DELETE" in wrong["vi"].json()["message"]
    invalid = await _both(http, "POST", "/notes", json={"txt": 1})
    for asked, answer in invalid.items():
        body = answer.json()
        assert answer.status_code == 400 and body["code"] == "request-invalid"
        assert body["message_code"] == "net-request-invalid" and "body.text" in body["params"]["fields"]
        start = "Invalid request: " if asked == "en" else "Yêu cầu không hợp lệ: "
        assert body["message"] == start + body["params"]["fields"]


async def test_our_own_failures_say_only_the_internal_message_in_the_language_asked(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    for path, code in (("/broken", "broken"), ("/crash", "internal-error")):
        answers = await _both(http, "GET", path)
        for asked, answer in answers.items():
            assert answer.status_code == 500
            assert answer.json() == {
                "code": code,
                "message": render(msg("api-internal-error"), asked),  # type: ignore[arg-type]
                "message_code": "api-internal-error",
                "params": {},
            }
            assert "secret" not in answer.text
    assert "SELECT secret" in caplog.text  # the detail stays in the log


@pytest.mark.parametrize(
    ("header", "chosen"),
    [({}, "vi"), ({"accept-language": "en-GB"}, "en"), ({"accept-language": "de"}, "vi")],
)
def test_the_request_language_is_negotiated_from_accept_language(header: dict[str, str], chosen: str) -> None:
    assert request_language(header) == chosen
