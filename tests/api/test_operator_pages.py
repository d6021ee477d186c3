"""/docs, /redoc, /openapi.json and /metrics on the API listener: behind a bearer token unless
the operator made them public; a scraper's own token reads /metrics and nothing else."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from api.api_network import Api
from lienthong.api import ApiSettings, create_app
from lienthong.statistics import ServiceMetrics
from node.node_network import AT

pytestmark = pytest.mark.anyio

DOCS = ("/docs", "/redoc", "/openapi.json")
SCRAPER = "scraper-token-0123456789abcdef"


def _app(api: Api, settings: ApiSettings) -> FastAPI:
    app = create_app(api.network.receiver, settings=settings, clock=lambda: AT)
    ServiceMetrics("node").install(app)  # as NodeService mounts it
    return app


async def _statuses(app: FastAPI, token: str | None) -> dict[str, int]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://vpcp", headers=headers) as client:
        return {path: (await client.get(path)).status_code for path in (*DOCS, "/metrics")}


async def test_docs_and_metrics_need_a_token_by_default(api: Api) -> None:
    app = _app(api, ApiSettings(metrics_token=SCRAPER))
    client_token = api.receiver.headers["Authorization"].removeprefix("Bearer ")
    assert await _statuses(app, None) == dict.fromkeys((*DOCS, "/metrics"), 401)
    assert await _statuses(app, "not-a-token") == dict.fromkeys((*DOCS, "/metrics"), 401)
    assert await _statuses(app, client_token) == dict.fromkeys((*DOCS, "/metrics"), 200)
    # The scraper's token reads the metrics, not the documentation nor the API.
    assert await _statuses(app, SCRAPER) == {**dict.fromkeys(DOCS, 401), "/metrics": 200}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://vpcp") as client:
        refused = await client.get("/metrics")
        inbox = await client.get("/api/v1/inbox", headers={"Authorization": f"Bearer {SCRAPER}"})
    assert refused.json()["code"] == "authentication-required"
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert inbox.status_code == 401


async def test_the_operator_can_make_docs_or_metrics_public(api: Api) -> None:
    docs = _app(api, ApiSettings(public_docs=True))
    assert await _statuses(docs, None) == {**dict.fromkeys(DOCS, 200), "/metrics": 401}
    metrics = _app(api, ApiSettings(public_metrics=True))
    assert await _statuses(metrics, None) == {**dict.fromkeys(DOCS, 401), "/metrics": 200}


async def test_docs_pages_may_load_nothing_from_another_host(api: Api) -> None:
    # ReDoc's bundle asks a CDN for a logo: on a closed network a browser would wait for it.
    transport = httpx.ASGITransport(app=_app(api, ApiSettings(public_docs=True)))
    async with httpx.AsyncClient(transport=transport, base_url="https://vpcp") as client:
        for path in ("/docs", "/redoc"):
            policy = (await client.get(path)).headers["content-security-policy"]
            sources = {part.split()[0]: part.split()[1:] for part in policy.split(";")}
            assert sources["default-src"] == ["'self'"], path
            assert all("http" not in s and "*" not in s for values in sources.values() for s in values)
