"""``create_app``: the node's API for document-management software, as one ASGI app.

REST under ``/api/v1`` (OpenAPI at ``/docs``, its Swagger UI and ReDoc served from the files
``fastapi_offline`` ships: a closed network reaches no CDN; behind a token unless public,
``_operator_pages``) and the VXP-compatible operations under ``/vxp``; errors answered from one
table (``_problems``); every body capped, and the REST caller known before one is read
(``_uploads.body_rules``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from lienthong._clock import Clock, utc_now
from lienthong.api._context import ApiContext, ApiSettings
from lienthong.api._event_routes import router as events_router
from lienthong.api._operator_pages import OperatorPages
from lienthong.api._problems import answer, install_problem_handlers
from lienthong.api._replays import StoredReplays
from lienthong.api._rest import router as rest_router
from lienthong.api._tokens import TokenCache
from lienthong.api._unaccounted import router as unaccounted_router
from lienthong.api._uploads import body_rules
from lienthong.api._vxp import VXP_PREFIX
from lienthong.api._vxp import router as vxp_router
from lienthong.api._vxp_docs import TAG as VXP_TAG
from lienthong.api._vxp_docs import TAG_DESCRIPTION as VXP_DESCRIPTION
from lienthong.net import BodyGuard
from lienthong.node import Node
from lienthong.vxp import ReplayGuard


def _fixed(node: Node) -> Callable[[], Node]:
    return lambda: node


def create_app(
    node: Node | Callable[[], Node],
    *,
    settings: ApiSettings | None = None,
    clock: Clock = utc_now,
    replays: ReplayGuard | None = None,
) -> FastAPI:
    """The API of ``node``: REST at ``/api/v1``, VXP at ``/vxp/{operation}``.

    ``node`` may be a callable returning the node in use now (a serving node's ``runtime.node``).
    ``replays``: the VXP replay memory; by default the node's database, shared by every process
    serving it.
    """
    source = _fixed(node) if isinstance(node, Node) else node
    app = FastAPIOffline(
        title=f"lienthong — điểm kết nối {source().name}",
        version="1",
        description="API cho phần mềm quản lý văn bản: REST và tương thích VXP (EDXML.md §4).\n\n"
        "Lỗi: JSON `{code, message, message_code, params}`; `message` bằng ngôn ngữ yêu cầu hỏi"
        " (`Accept-Language: en` cho tiếng Anh, mặc định tiếng Việt; `Content-Language` cho biết),"
        " `message_code` và `params` là chính câu đó dưới dạng dữ liệu.",
        openapi_tags=[{"name": VXP_TAG, "description": VXP_DESCRIPTION}],
        swagger_ui_parameters={"validatorUrl": None},  # Swagger UI's default is a public validator
    )
    settings = settings or ApiSettings()
    app.state.lienthong_api = ctx = ApiContext(
        source=source,
        settings=settings,
        clock=clock,
        replays=replays or StoredReplays(lambda: source().database),
        tokens=TokenCache(settings.token_ttl),
    )
    app.add_middleware(OperatorPages, ctx=ctx)
    install_problem_handlers(app)
    app.add_middleware(BodyGuard, rules=body_rules(ctx), answer=answer)
    app.include_router(unaccounted_router)  # before /outbox/{message_id} takes its path
    app.include_router(rest_router)
    app.include_router(events_router)
    app.include_router(vxp_router, prefix=VXP_PREFIX)
    return app


async def stop_streams(app: FastAPI) -> None:
    """End the event streams of ``app``, and give them the moment they need to notice, before
    the server says goodbye (a stream cut by the server's goodbye is an error for its client)."""
    ctx = app.state.lienthong_api
    assert isinstance(ctx, ApiContext)
    ctx.stopping.set()
    await asyncio.sleep(ctx.settings.events_wake * 3)
