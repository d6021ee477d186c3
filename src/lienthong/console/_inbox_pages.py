"""Văn bản đến: the list, a document with its checks and timeline, attachments, and actions.

Each action is its own small form; a refusal by the rules (``check_status``) or a missing reason
comes back on the same page next to that form's field (HTTP 422). An action the user's roles do
not allow is refused with a 403 page, whether or not the button was shown.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Message
from lienthong.console import _lists, _received
from lienthong.console._web import ACTION_ROLES, PREFIX, Console, may
from lienthong.edxml import StatusCode
from lienthong.errors import LienthongError
from lienthong.store import Direction, InboxItem

S = StatusCode
ORDER: Final = (
    S.REGISTERED,
    S.ASSIGNED,
    S.IN_PROGRESS,
    S.DONE,
    S.REFUSED,
    S.RECALL_ACCEPTED,
    S.RECALL_REFUSED,
)


def _content_disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def inbox_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(f"{PREFIX}/inbox", response_class=HTMLResponse)
    async def inbox(request: Request) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        params = dict(request.query_params)
        view = await run_in_threadpool(
            lambda: _lists.documents(
                console.node, session.principal.codes, params, direction=Direction.IN, at=console.clock()
            )
        )
        status = 422 if view.errors else 200
        return console.render(request, "inbox.html", _lists.context(view), status=status)

    async def load(request: Request, item_id: str) -> InboxItem | Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        try:
            return await run_in_threadpool(_received.find, console.node, session.principal.codes, item_id)
        except _received.NotFound:
            return console.refused(request, 404, "not_found")

    async def page(
        request: Request,
        item: InboxItem,
        *,
        errors: dict[str, Message | str],
        values: dict[str, str],
        status: int = 200,
    ) -> Response:
        session = console.session(request)
        assert session is not None
        found = await run_in_threadpool(lambda: _received.detail(console.node, item, at=console.clock()))
        actions = [c for c in ORDER if may(session.principal, ACTION_ROLES[c]) and found.allowed(c)]
        # A code that just failed keeps its form on screen, so its message has a place.
        actions += [c for c in ORDER if c.value in errors and c not in actions]
        context: dict[str, Any] = {
            "d": found,
            "id": _received.item_id(item),
            "actions": actions,
            "errors": errors,
            "values": values,
            "saved": request.query_params.get("saved") == "1",
        }
        return console.render(request, "document.html", context, status=status)

    @router.get(f"{PREFIX}/inbox/{{item_id}}", response_class=HTMLResponse)
    async def document(request: Request, item_id: str) -> Response:
        item = await load(request, item_id)
        if isinstance(item, Response):
            return item
        return await page(request, item, errors={}, values={})

    @router.get(f"{PREFIX}/inbox/{{item_id}}/attachments/{{content_id}}")
    async def attachment(request: Request, item_id: str, content_id: str) -> Response:
        item = await load(request, item_id)
        if isinstance(item, Response):
            return item
        try:
            found = await run_in_threadpool(_received.attachment, console.node, item, content_id)
        except _received.NotFound:
            return console.refused(request, 404, "not_found")
        media = found.content_type or "application/octet-stream"
        is_pdf = media == "application/pdf"
        stream = found.content.open()
        return StreamingResponse(
            iter(lambda: stream.read(64 * 1024), b""),
            media_type=media if is_pdf else "application/octet-stream",
            headers={
                "Content-Disposition": _content_disposition(
                    "inline" if is_pdf else "attachment", found.name or content_id
                ),
                "X-Content-Type-Options": "nosniff",
            },
        )

    @router.post(f"{PREFIX}/inbox/{{item_id}}/status", response_class=HTMLResponse)
    async def act(request: Request, item_id: str) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        posted = await request.form()
        if not session.check_csrf(str(posted.get("csrf", ""))):
            return console.refused(request, 403, "stale_form")
        try:
            code = StatusCode.parse(str(posted.get("code", "")))
        except ValueError:
            return console.refused(request, 404, "not_found")
        if code not in ACTION_ROLES or not may(session.principal, ACTION_ROLES[code]):
            return console.refused(request, 403, "forbidden")
        item = await load(request, item_id)
        if isinstance(item, Response):
            return item
        description = str(posted.get("description", "")).strip()[:1000]
        try:
            await run_in_threadpool(
                lambda: _received.send_status(
                    console.node, item, code, description or None, at=console.clock()
                )
            )
        except LienthongError as exc:
            return await page(
                request, item, errors={code.value: exc.message}, values={code.value: description}, status=422
            )
        return RedirectResponse(f"{PREFIX}/inbox/{item_id}?saved=1", status_code=303)

    return router
