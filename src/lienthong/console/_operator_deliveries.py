"""Deliveries that wait or failed, why (the peer's answer, in the page's language), when the
next attempt is due, and the operator's actions on each: retry now, give up with a reason.

The actions are the node's (``retry_now``, ``give_up_delivery``); this page only calls them,
checks the form (CSRF, role) first and audits what was done. A refusal (a final delivery, one a
worker is sending this moment) comes back on the page next to that delivery, HTTP 409; a
missing reason, 422.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Message
from lienthong.console._operator_access import OPERATOR, PAGE_SIZE, Pager, back_to, operator_session
from lienthong.console._web import Console
from lienthong.node import MAX_REASON, DeliveryNotActionable, give_up_delivery, retry_now
from lienthong.store import NodeStore, OutboxEntry

_PAGE = f"{OPERATOR}/deliveries"


def _troubled(console: Console, number: int, now: datetime) -> tuple[list[OutboxEntry], int, int]:
    with NodeStore.begin(console.node.database, write=False) as store:
        rows, total = store.troubled_deliveries(now=now, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        last = max(1, -(-total // PAGE_SIZE))
        if not rows and number > last:  # past the end (the list shrank): its last page
            number = last
            rows, total = store.troubled_deliveries(now=now, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    return rows, total, number


def delivery_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    async def page(
        request: Request,
        *,
        number: int,
        errors: dict[int, Message | str] | None = None,
        reasons: dict[int, str] | None = None,
        status: int = 200,
    ) -> Response:
        now = console.clock()
        rows, total, number = await run_in_threadpool(_troubled, console, number, now)
        context: dict[str, Any] = {
            "rows": rows,
            "pager": Pager(number, total),
            "now": now,
            "errors": errors or {},
            "reasons": reasons or {},
            "done": request.query_params.get("done", ""),
            "back": _PAGE if number == 1 else f"{_PAGE}?page={number}",
            "max_reason": MAX_REASON,
        }
        return console.render(request, "operator_deliveries.html", context, status=status)

    @router.get(_PAGE, response_class=HTMLResponse)
    async def deliveries(request: Request) -> Response:
        session = operator_session(console, request)
        if isinstance(session, Response):
            return session
        return await page(request, number=Pager.asked(request))

    async def act(request: Request, entry: str, action: str) -> Response:
        session = operator_session(console, request)
        if isinstance(session, Response):
            return session
        if not entry.isdigit() or len(entry) > 18:
            return console.refused(request, 404, "not_found")
        entry_id = int(entry)
        posted = await request.form()
        if not session.check_csrf(str(posted.get("csrf", ""))):
            return console.refused(request, 403, "stale_form")
        reason = str(posted.get("reason", ""))[: MAX_REASON * 2]
        now = console.clock()
        try:
            if action == "retry":
                done = await run_in_threadpool(lambda: retry_now(console.node, entry_id, now=now))
            else:
                done = await run_in_threadpool(
                    lambda: give_up_delivery(console.node, entry_id, reason=reason, now=now)
                )
        except DeliveryNotActionable as exc:
            unknown = isinstance(exc.message, Message) and exc.message.code == "node-delivery-unknown"
            status = 409 if exc.state is not None else 404 if unknown else 422
            return await page(
                request, number=1, errors={entry_id: exc.message}, reasons={entry_id: reason}, status=status
            )
        params = {"recipient": done.item.recipient, "state": done.state.value}
        if action == "retry":
            await run_in_threadpool(
                console.audit, request, session.principal, "delivery-retried", done.message_id, **params
            )
        else:
            params["reason"] = " ".join(reason.split())
            await run_in_threadpool(
                console.audit, request, session.principal, "delivery-given-up", done.message_id, **params
            )
        target = back_to(str(posted.get("back", "")), _PAGE)
        joiner = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{joiner}done={action}", status_code=303)

    @router.post(f"{_PAGE}/{{entry_id}}/retry", response_class=HTMLResponse)
    async def retry(request: Request, entry_id: str) -> Response:
        return await act(request, entry_id, "retry")

    @router.post(f"{_PAGE}/{{entry_id}}/give-up", response_class=HTMLResponse)
    async def give_up(request: Request, entry_id: str) -> Response:
        return await act(request, entry_id, "give-up")

    return router
