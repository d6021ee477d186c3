"""Bearer-token authentication of REST clients, as a FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import tr
from lienthong.api._context import ApiContext
from lienthong.api._credentials import token_digest
from lienthong.api._errors import AuthenticationRequired
from lienthong.store import ApiClientEntry, ApiStore, ClientKind

_bearer = HTTPBearer(auto_error=False, description="Mã truy cập cấp bởi `lienthong node clients add`.")


def context(request: Request) -> ApiContext:
    ctx = request.app.state.lienthong_api
    assert isinstance(ctx, ApiContext)
    return ctx


def _lookup(ctx: ApiContext, token: str) -> ApiClientEntry | None:
    with ApiStore.begin(ctx.node.database) as store:
        return store.client_by_token(token_digest(token))


async def current_client(
    ctx: Annotated[ApiContext, Depends(context)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiClientEntry:
    """The client whose bearer token the request carries; 401 otherwise."""
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise AuthenticationRequired(tr("cần mã truy cập (Bearer)", "a bearer token is required"))
    client = await run_in_threadpool(_lookup, ctx, credentials.credentials)
    if client is None or client.kind is not ClientKind.REST:
        raise AuthenticationRequired(tr("mã truy cập không hợp lệ", "invalid bearer token"))
    return client


Ctx = Annotated[ApiContext, Depends(context)]
Client = Annotated[ApiClientEntry, Depends(current_client)]
