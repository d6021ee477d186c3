"""Routes of the API's events: the stream (SSE) or pages of them, and the client's webhook."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import msg
from lienthong.api import _events, _webhooks
from lienthong.api._auth import Client, Ctx, Lang
from lienthong.api._errors import RequestInvalid
from lienthong.api._models import MAX_POSITION, EventPage, Problem, Webhook, WebhookRequest

_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": Problem} for status in (400, 401, 404, 422)}
router = APIRouter(prefix="/api/v1", responses=_ERRORS)

_EVENTS_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Một trang JSON, hoặc luồng SSE với `Accept: text/event-stream`.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


def _start(after: int | None, last_event_id: str | None) -> int:
    if after is not None:
        return after
    if last_event_id is None or not last_event_id.strip():
        return 0
    text = last_event_id.strip()
    if not text.isdigit() or int(text) > MAX_POSITION:
        raise RequestInvalid(msg("api-last-event-id-invalid", value=text))
    return int(text)


def _wants_stream(request: Request) -> bool:
    # Only when asked: a client that did not say so gets a page, never an endless answer.
    return "text/event-stream" in request.headers.get("accept", "")


@router.get("/events", response_model=EventPage, responses=_EVENTS_ANSWER)
async def events(
    ctx: Ctx,
    client: Client,
    language: Lang,
    request: Request,
    after: Annotated[int | None, Query(ge=0, le=MAX_POSITION, description="Sau sự kiện số này.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Any:
    """Sự kiện của các mã được phép: luồng SSE (tiếp tục sau `Last-Event-ID`) hoặc trang JSON."""
    start = _start(after, last_event_id)
    if not _wants_stream(request):
        return await run_in_threadpool(
            _events.event_page, ctx, client.codes, after=start, limit=limit, language=language
        )
    return StreamingResponse(
        _events.sse_stream(ctx, client, after=start, language=language),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Content-Language": language},
    )


@router.put("/webhook", status_code=201, response_model=Webhook)
async def put_webhook(ctx: Ctx, client: Client, language: Lang, body: WebhookRequest) -> Webhook:
    """Đăng ký (hoặc thay) webhook: trả về khóa HMAC một lần duy nhất."""
    entry = await run_in_threadpool(
        lambda: _webhooks.register_webhook(
            ctx.node.database,
            client.name,
            body.url,
            after=body.after,
            at=ctx.clock(),
            allow_private=ctx.settings.allow_private_webhooks,
        )
    )
    return _webhooks.webhook_model(entry, language, with_secret=True)


@router.get("/webhook", response_model=Webhook)
async def get_webhook(ctx: Ctx, client: Client, language: Lang) -> Webhook:
    """Webhook đã đăng ký và tình trạng gửi (không có khóa)."""
    entry = await run_in_threadpool(_webhooks.find, ctx.node.database, client)
    return _webhooks.webhook_model(entry, language)


@router.delete("/webhook", status_code=204)
async def delete_webhook(ctx: Ctx, client: Client) -> Response:
    """Hủy webhook."""
    await run_in_threadpool(_webhooks.remove, ctx.node.database, client)
    return Response(status_code=204)
