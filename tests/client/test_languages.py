"""The SDK speaks its user's language: it asks the node for it (``Accept-Language``), and keeps a
refusal the node sends as data (``message_code``, ``params``) as a ``Message`` rendered locally,
with the node's own sentence for a code it does not know and from nodes that send no data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from lienthong import _i18n
from lienthong._i18n import Message, msg, set_language
from lienthong.client import ApiRefused, AsyncClient, Client, Event, NotFound, RecipientState, Unprocessable
from support.catalogue import add_texts

URL = "http://node.test"
UNKNOWN_AGENCY = {
    "agency-unknown-in-network": {
        "vi": "không có cơ quan {code} trong mạng",
        "en": "no agency {code} in the network",
    },
    "agency-closed-on": {"vi": "{what}, đã đóng từ {day}", "en": "{what}, closed on {day}"},
}


@pytest.fixture(autouse=True)
def _texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    add_texts(monkeypatch, UNKNOWN_AGENCY)
    before = _i18n.language()
    yield
    set_language(before)


def _client(answer: Callable[[httpx.Request], httpx.Response], **options: Any) -> Client:
    return Client(URL, token="t", transport=httpx.MockTransport(answer), **options)


def _problem(status: int, **body: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(status, json=body)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_client_asks_the_node_to_answer_in_its_language(language: _i18n.Language) -> None:
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("accept-language"))
        return httpx.Response(200, json=[])

    with _client(answer, language=language) as api:
        api.agencies()
    set_language(language)  # by default, the process's language (the CLI's --lang)
    with _client(answer) as api:
        assert api.language == language
        api.agencies()
    assert seen == [language, language]


def test_a_refusal_sent_as_data_is_rendered_in_the_users_language() -> None:
    body = {
        "code": "agency-unknown",
        "message": "không có cơ quan 000.00.00.H99 trong mạng",  # the node's default language
        "message_code": "agency-unknown-in-network",
        "params": {"code": "000.00.00.H99"},
    }
    with _client(_problem(404, **body), language="en") as api, pytest.raises(NotFound) as refused:
        api.agency("000.00.00.H99")
    error = refused.value
    assert (error.code, error.status) == ("agency-unknown", 404)
    assert isinstance(error.message, Message)
    assert error.message.code == "agency-unknown-in-network"
    assert error.message.params["code"] == "000.00.00.H99"
    assert error.render("en") == "no agency 000.00.00.H99 in the network"
    assert error.render("vi") == "không có cơ quan 000.00.00.H99 trong mạng"
    set_language("en")
    assert str(error) == "no agency 000.00.00.H99 in the network"


@pytest.mark.anyio
async def test_the_async_client_does_the_same() -> None:
    seen: list[str | None] = []
    body = {
        "code": "agency-unknown",
        "message": "…",
        "message_code": "agency-unknown-in-network",
        "params": {"code": "000.00.00.H99"},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("accept-language"))
        return httpx.Response(404, json=body)

    api = AsyncClient(URL, language="en", transport=httpx.MockTransport(answer))
    async with api:
        with pytest.raises(NotFound) as refused:
            await api.agency("000.00.00.H99")
    assert seen == ["en"]
    assert refused.value.render("vi") == "không có cơ quan 000.00.00.H99 trong mạng"


def test_nested_messages_in_a_refusal_render_too() -> None:
    inner = msg("agency-unknown-in-network", code="000.00.00.H99")
    body = {
        "code": "agency-closed",
        "message": "…",
        "message_code": "agency-closed-on",
        "params": {"what": inner.to_json(), "day": "2025-07-01"},
    }
    with _client(_problem(422, **body)) as api, pytest.raises(Unprocessable) as refused:
        api.agency("000.00.00.H99")
    assert refused.value.render("en") == "no agency 000.00.00.H99 in the network, closed on 2025-07-01"


@pytest.mark.parametrize(
    "params",
    [
        {"size": 3},
        {"what": {"code": "from-a-newer-node-too", "params": {}}, "day": "2025-07-01"},
    ],
)
def test_a_code_the_sdk_does_not_know_shows_the_nodes_own_sentence(params: dict[str, Any]) -> None:
    code = "from-a-newer-node" if "size" in params else "agency-closed-on"
    body = {"code": "newer", "message": "the node's own words", "message_code": code, "params": params}
    with _client(_problem(409, **body)) as api, pytest.raises(ApiRefused) as refused:
        api.agency("000.00.00.H99")
    error = refused.value
    assert isinstance(error.message, Message) and error.message.code == code  # the data is kept
    assert error.render("en") == error.render("vi") == "the node's own words"


def test_an_older_node_sends_code_and_sentence_only() -> None:
    body = {"code": "agency-unknown", "message": "không có cơ quan 000.00.00.H99"}
    with _client(_problem(404, **body)) as api, pytest.raises(NotFound) as refused:
        api.agency("000.00.00.H99")
    assert refused.value.message == "không có cơ quan 000.00.00.H99"
    assert refused.value.render("en") == "không có cơ quan 000.00.00.H99"


def test_an_answer_without_a_body_is_named_by_its_status() -> None:
    with (
        _client(lambda _request: httpx.Response(418, text="teapot")) as api,
        pytest.raises(ApiRefused) as refused,
    ):
        api.agency("000.00.00.H99")
    error = refused.value
    assert error.code == "http-418" and isinstance(error.message, Message)
    assert error.message.code == "client-http-status"
    assert error.render("en") == "the node answered 418"
    assert error.render("vi") == "điểm kết nối trả lời 418"


def test_a_reason_in_an_answer_is_data_when_the_node_sends_it() -> None:
    data = {"code": "agency-unknown-in-network", "params": {"code": "000.00.00.H99"}}
    state = {"recipient": "000.00.00.H99", "deliver_to": "x", "delivery": "rejected", "attempts": 1}
    new = RecipientState.model_validate({**state, "last_error": "…", "reason_message": data})
    assert isinstance(new.why, Message) and new.why.render("en") == "no agency 000.00.00.H99 in the network"
    old = RecipientState.model_validate({**state, "last_error": "một câu"})
    assert old.why == "một câu"
    newer = RecipientState.model_validate(
        {**state, "last_error": "its words", "last_error_message": {"code": "newer-code", "params": {}}}
    )
    assert newer.why == "its words"
    event = {
        "id": 1,
        "type": "delivery.rejected",
        "at": "2026-01-01T00:00:00Z",
        "code": "000.00.00.G22",
        "party": "000.00.00.H99",
        "message_id": "m",
        "document_id": "d",
        "kind": "document",
    }
    assert Event.model_validate(
        {**event, "reason": "lý do", "reason_message": data}
    ).why == Message.from_json(data)
    assert Event.model_validate({**event, "reason": "lý do"}).why == "lý do"
    assert Event.model_validate(event).why is None
