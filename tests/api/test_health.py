"""``/healthz`` and ``/readyz`` (``install_health``): open without a token, GET only, every
check named in the answer, a failing one as a catalogue message in the asker's language, a
listener's check only when asked for, and one round of checks per ``cache`` seconds."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from fastapi import FastAPI

from lienthong._i18n import Message, msg
from lienthong.api import Readiness, ReadinessCheck, install_health

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _client(checks: dict[str, ReadinessCheck], listeners: dict[str, ReadinessCheck] | None = None,
            clock: Clock | None = None) -> httpx.AsyncClient:  # fmt: skip
    app = FastAPI()
    readiness = Readiness(checks=checks, listeners=listeners or {}, cache=1.0)
    install_health(app, readiness, monotonic=clock or Clock())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://vpcp")


def _ok() -> Message | None:
    return None


def _down() -> Message | None:
    return msg("health-database-unwritable")


async def test_healthz_answers_without_asking_anything() -> None:
    def never() -> Message | None:
        raise AssertionError("healthz ran a readiness check")

    answer = await _client({"database": never}).get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "alive"}


async def test_readyz_is_200_with_every_check_named_when_all_pass() -> None:
    answer = await _client({"database": _ok, "keys": _ok}).get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {"database": {"ok": True}, "keys": {"ok": True}}}


async def test_readyz_is_503_naming_the_failing_check_in_the_asked_language() -> None:
    client = _client({"database": _down, "keys": _ok})
    answer = await client.get("/readyz", headers={"Accept-Language": "en"})
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["keys"] == {"ok": True}
    failed = body["checks"]["database"]
    assert failed["ok"] is False
    assert failed["message_code"] == "health-database-unwritable"
    assert failed["message"].startswith("the database cannot be written")
    assert answer.headers["content-language"] == "en"
    vietnamese = (await client.get("/readyz")).json()["checks"]["database"]["message"]
    assert vietnamese.startswith("không ghi được")


async def test_a_check_that_raises_makes_the_process_not_ready_without_telling_why() -> None:
    def broken() -> Message | None:
        raise RuntimeError("/secret/path/node.db is locked")

    answer = await _client({"database": broken}).get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"]["message_code"] == "health-check-broken"
    assert "/secret" not in answer.text


async def test_a_listener_is_checked_only_when_asked_for() -> None:
    client = _client({"database": _ok}, {"peer": lambda: msg("health-peer-listener-down")})
    assert (await client.get("/readyz")).status_code == 200
    answer = await client.get("/readyz?listener=peer")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == {"ok": True}
    assert answer.json()["checks"]["listener-peer"]["message_code"] == "health-peer-listener-down"
    unknown = await client.get("/readyz?listener=smtp")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "listener-unknown"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_only_get_is_answered(method: str) -> None:
    client = _client({"database": _ok})
    for path in ("/healthz", "/readyz"):
        assert (await client.request(method, path, content=b"x" * 1000)).status_code == 405


async def test_a_round_of_checks_is_reused_for_the_cache_period() -> None:
    calls: Counter[str] = Counter()
    clock = Clock()

    def counted() -> Message | None:
        calls["database"] += 1
        return None

    def peer() -> Message | None:
        calls["peer"] += 1
        return None

    client = _client({"database": counted}, {"peer": peer}, clock)
    for _ in range(5):
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.get("/readyz?listener=peer")).status_code == 200
    assert calls == {"database": 1, "peer": 1}
    clock.now += 1.5
    await client.get("/readyz?listener=peer")
    assert calls == {"database": 2, "peer": 2}
