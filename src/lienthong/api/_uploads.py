"""Reading request bodies within the node's upload limit, refusing early by Content-Length."""

from __future__ import annotations

from fastapi import Request

from lienthong.api._context import ApiContext
from lienthong.api._outbox import check_size


async def read_limited(ctx: ApiContext, request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit():
        check_size(ctx, int(declared))
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        check_size(ctx, size)
        chunks.append(chunk)
    return b"".join(chunks)


def check_declared(ctx: ApiContext, request: Request) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit():
        check_size(ctx, int(declared) - 64 * 1024)  # multipart framing and metadata allowed for
