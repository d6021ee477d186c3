"""Reading request bodies within the node's upload limit, refusing early by Content-Length;
the cap and caller check of every body-accepting route of the API (``body_rules``).

A refused body is still read (and dropped) up to a bound before the answer goes out: an HTTP/2
client blocked on flow control while sending would otherwise never read the 413, and wait for
its timeout instead. Beyond the bound the connection is let go unread (a hostile upload).
"""

from __future__ import annotations

from fastapi import Request

from lienthong._i18n import msg
from lienthong.api._auth import bearer_check
from lienthong.api._context import ApiContext
from lienthong.api._errors import UploadTooLarge
from lienthong.api._outbox import check_size
from lienthong.net import BodyRule, KiB, MiB
from lienthong.node import PackageSource, Spool

#: How much of a refused body is read and dropped, as a multiple of the limit.
_DRAIN_FACTOR = 4
#: Multipart framing and metadata allowed for beside the files of an upload.
_FRAMING = 64 * KiB
#: Every other body: JSON of a status, a recall, a webhook; VXP operations other than sendEdoc.
SMALL_BODY = 1 * MiB


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(msg("api-upload-too-large", limit=limit))


def body_rules(ctx: ApiContext) -> list[BodyRule]:
    """Caps of the API's routes (first match wins), the REST ones behind the bearer token.

    VXP callers are checked by ``_vxp._call`` from their signed headers before it reads the body
    (no route there declares a body FastAPI would read first)."""
    bearer = bearer_check(ctx)

    def upload() -> int:
        return ctx.max_upload

    def multipart() -> int:
        return ctx.max_upload + _FRAMING

    files = r"/api/v1/(documents/compose|outbox/[^/]+/(update|replace))"
    return [
        BodyRule(r"/api/v1/documents", upload, bearer, too_large=_too_large),
        BodyRule(files, multipart, bearer, too_large=_too_large),
        BodyRule(r"/api/v1/.*", SMALL_BODY, bearer),
        BodyRule(r"/vxp/sendEdoc", upload, too_large=_too_large),
        BodyRule(r"/vxp/.*", SMALL_BODY),
    ]


def _declared(request: Request) -> int | None:
    text = request.headers.get("content-length")
    return int(text) if text is not None and text.isdigit() else None


async def _drain(ctx: ApiContext, request: Request, already: int) -> None:
    bound = _DRAIN_FACTOR * ctx.max_upload
    declared = _declared(request)
    if declared is not None and declared > bound:
        return
    size = already
    async for chunk in request.stream():
        size += len(chunk)
        if size > bound:
            return


async def read_limited(ctx: ApiContext, request: Request) -> bytes:
    """The body in memory, within the limit (``UploadTooLarge`` otherwise)."""
    chunks = []
    size = 0
    limit = ctx.max_upload
    try:
        declared = _declared(request)
        if declared is not None:
            check_size(ctx, declared, limit=limit)
        async for chunk in request.stream():
            size += len(chunk)
            check_size(ctx, size, limit=limit)
            chunks.append(chunk)
    except UploadTooLarge:
        await _drain(ctx, request, size)
        raise
    return b"".join(chunks)


async def spool_limited(ctx: ApiContext, request: Request) -> PackageSource:
    """The body within the limit as a package source: in memory when small, else spooled to a
    file beside the blob store as it arrives. The caller ``discard()``s it when done."""
    node = ctx.node
    spool = Spool(node.blobs.temporary, threshold=node.limits.in_memory_bytes)
    limit = ctx.max_upload
    try:
        declared = _declared(request)
        if declared is not None:
            check_size(ctx, declared, limit=limit)
        async for chunk in request.stream():
            spool.write(chunk)
            check_size(ctx, spool.size, limit=limit)
        return spool.finish()
    except UploadTooLarge:
        spool.abort()
        await _drain(ctx, request, spool.size)
        raise
    finally:
        spool.abort()  # nothing left to remove once finished


def check_declared(ctx: ApiContext, request: Request) -> None:
    declared = _declared(request)
    if declared is not None:
        check_size(ctx, declared - _FRAMING)
