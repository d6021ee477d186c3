"""Bearer tokens held in memory (``TokenCache``): how soon a removed client is refused.

In this process (``remove_client``): at once. By another process (straight in the database, as
``lienthong node clients remove`` against a serving node): once the token's ``ttl`` has passed.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI

from api.api_network import Api
from api.test_vxp import Vxp
from lienthong.api import ApiContext, TokenCache, remove_client
from lienthong.store import ApiClientEntry, ApiStore, ClientKind

pytestmark = pytest.mark.anyio

OUTBOX = "/api/v1/outbox"


class _Monotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _use(app: FastAPI, tokens: TokenCache) -> None:
    ctx = app.state.lienthong_api
    assert isinstance(ctx, ApiContext)
    app.state.lienthong_api = dataclasses.replace(ctx, tokens=tokens)


def _remove_elsewhere(api: Api, name: str) -> None:
    """As another process would: in the database only, this process's caches untouched."""
    with ApiStore.begin(api.network.sender.database) as store:
        assert store.remove_client(name)


async def test_a_client_removed_by_another_process_is_refused_once_the_ttl_has_passed(api: Api) -> None:
    clock = _Monotonic()
    _use(api.sender_app, TokenCache(5.0, clock=clock))
    assert (await api.sender.get(OUTBOX)).status_code == 200
    _remove_elsewhere(api, "qlvb-na")
    clock.now += 4.9
    assert (await api.sender.get(OUTBOX)).status_code == 200  # held: the database is not read
    clock.now += 0.1
    refused = await api.sender.get(OUTBOX)
    assert refused.status_code == 401 and refused.json()["code"] == "authentication-required"


async def test_a_client_removed_in_this_process_is_refused_at_once(api: Api) -> None:
    clock = _Monotonic()
    _use(api.sender_app, TokenCache(3600.0, clock=clock))
    assert (await api.sender.get(OUTBOX)).status_code == 200
    assert remove_client(api.network.sender.database, "qlvb-na")
    assert (await api.sender.get(OUTBOX)).status_code == 401
    assert not remove_client(api.network.sender.database, "qlvb-na")


async def test_ttl_zero_reads_the_database_on_every_request(api: Api) -> None:
    _use(api.sender_app, TokenCache(0.0, clock=_Monotonic()))
    assert (await api.sender.get(OUTBOX)).status_code == 200
    _remove_elsewhere(api, "qlvb-na")
    assert (await api.sender.get(OUTBOX)).status_code == 401


async def test_a_wrong_token_is_refused_and_not_held(api: Api) -> None:
    tokens = TokenCache(5.0, clock=_Monotonic())
    _use(api.sender_app, tokens)
    wrong = await api.sender.get(OUTBOX, headers={"Authorization": "Bearer lt_wrong"})
    assert wrong.status_code == 401
    assert (await api.sender.get(OUTBOX)).status_code == 200
    assert len(tokens) == 1  # the good token only


def _entry(name: str) -> ApiClientEntry:
    return ApiClientEntry(name, ClientKind.REST, ("000.00.00.H41",), datetime(2026, 3, 1, tzinfo=UTC))


def test_a_lookup_begun_before_a_removal_is_not_held() -> None:
    tokens = TokenCache(5.0, clock=_Monotonic())
    generation = tokens.generation  # a request reads the database…
    tokens.clear()  # …while the client is removed (``remove_client`` clears every cache)
    tokens.put("digest", _entry("qlvb"), generation=generation)
    assert tokens.get("digest") is None
    tokens.put("digest", _entry("qlvb"), generation=tokens.generation)
    assert tokens.get("digest") == _entry("qlvb")


def test_an_entry_expires_after_ttl() -> None:
    clock = _Monotonic()
    tokens = TokenCache(5.0, clock=clock)
    tokens.put("digest", _entry("qlvb"), generation=tokens.generation)
    clock.now += 4.99
    assert tokens.get("digest") is not None
    clock.now += 0.01
    assert tokens.get("digest") is None


async def test_a_vxp_system_is_held_too_and_refused_once_removed(api: Api) -> None:
    clock = _Monotonic()
    tokens = TokenCache(5.0, clock=clock)
    _use(api.receiver_app, tokens)
    vxp = Vxp(api.receiver, api.vxp_secret)
    params = {"servicetype": "eDoc", "messagetype": "edoc"}
    assert (await vxp.call("countReceiveEdoc", params)).json()["status"] == "OK"
    assert len(tokens) == 1  # the system's entry, under its own key
    with ApiStore.begin(api.network.receiver.database) as store:  # as another process would
        assert store.remove_client("vpcp-qlvb")
    clock.now += 4.9
    assert (await vxp.call("countReceiveEdoc", params)).json()["status"] == "OK"
    clock.now += 0.1
    refused = (await vxp.call("countReceiveEdoc", params)).json()
    assert refused["status"] == "FAIL", refused
