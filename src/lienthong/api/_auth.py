"""Bearer-token authentication of REST clients, as a FastAPI dependency.

A token's client is read from the database once, then held a few seconds (``TokenCache``:
how soon a removed client is refused is said there)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from lienthong._i18n import Language, msg
from lienthong.api._context import ApiContext
from lienthong.api._credentials import token_digest
from lienthong.api._errors import AuthenticationRequired
from lienthong.net import BodyCheck, request_language
from lienthong.store import ApiClientEntry, ApiStore, ClientKind

_bearer = HTTPBearer(auto_error=False, description="Mã truy cập cấp bởi `lienthong node clients add`.")


def context(request: Request) -> ApiContext:
    ctx = request.app.state.lienthong_api
    assert isinstance(ctx, ApiContext)
    return ctx


async def _context(request: Request) -> ApiContext:
    """``context`` as a dependency: async, since FastAPI runs a plain one in a worker thread."""
    return context(request)


def _lookup(ctx: ApiContext, digest: str) -> ApiClientEntry | None:
    with ApiStore.begin(ctx.node.database) as store:
        return store.client_by_token(digest)


async def _client(ctx: ApiContext, token: str) -> ApiClientEntry | None:
    digest = token_digest(token)
    client = ctx.tokens.get(digest)
    if client is None:
        generation = ctx.tokens.generation
        client = await run_in_threadpool(_lookup, ctx, digest)
        if client is not None:
            ctx.tokens.put(digest, client, generation=generation)
    return client


async def _authenticated(ctx: ApiContext, credentials: HTTPAuthorizationCredentials | None) -> ApiClientEntry:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise AuthenticationRequired(msg("api-token-required"))
    client = await _client(ctx, credentials.credentials)
    if client is None or client.kind is not ClientKind.REST:
        raise AuthenticationRequired(msg("api-token-invalid"))
    return client


async def current_client(
    ctx: Annotated[ApiContext, Depends(_context)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiClientEntry:
    """The client whose bearer token the request carries; 401 otherwise."""
    return await _authenticated(ctx, credentials)


def bearer_check(ctx: ApiContext) -> BodyCheck:
    """``current_client`` from the headers alone, for ``BodyGuard``: before FastAPI reads the
    body a route declares (the route's dependency then finds the client in ``ctx.tokens``)."""

    async def check(headers: Headers) -> None:
        scheme, _, token = headers.get("authorization", "").strip().partition(" ")
        given = HTTPAuthorizationCredentials(scheme=scheme, credentials=token.strip()) if scheme else None
        await _authenticated(ctx, given)

    return check


async def _language(request: Request) -> Language:
    return request_language(request.headers)


Ctx = Annotated[ApiContext, Depends(_context)]
#: The language the request asks for (``Accept-Language``): what the answer's words are in.
Lang = Annotated[Language, Depends(_language)]
Client = Annotated[ApiClientEntry, Depends(current_client)]
