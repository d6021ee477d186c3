"""Văn bản đến: the list, a document with its checks and timeline, attachments, and actions.

Each action is its own small form; a refusal by the rules (``check_status``) or a missing reason
comes back on the same page next to that form's field (HTTP 422). An action the user's roles do
not allow is refused with a 403 page, whether or not the button was shown.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import Message
from lienthong.console import _arrival, _lists, _received
from lienthong.console._downloads import attachment_response
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


#: What an action's form may post beside its description: the 03's number and date, the 04's user.
_ACTION_FIELDS: Final = ("arrival_number", "arrival_date", "assignee")


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
        failed: StatusCode | None = None,
    ) -> Response:
        session = console.session(request)
        assert session is not None
        try:
            found = await run_in_threadpool(lambda: _received.detail(console.node, item, at=console.clock()))
        except _received.Archived as exc:
            return console.render(request, "archived.html", {"message": exc.message}, status=410)
        actions = [c for c in ORDER if may(session.principal, ACTION_ROLES[c]) and found.allowed(c)]
        # A code that just failed keeps its form on screen, so its message has a place.
        actions += [c for c in ORDER if (c.value in errors or c is failed) and c not in actions]
        users = await run_in_threadpool(console.users.users)
        context: dict[str, Any] = {
            "d": found,
            "id": _received.item_id(item),
            "actions": actions,
            "errors": errors,
            "values": values,
            "saved": request.query_params.get("saved") == "1",
            "assignees": _arrival.assignees(users, item.entry.recipient),
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
        except _received.Archived as exc:
            return console.render(request, "archived.html", {"message": exc.message}, status=410)
        return attachment_response(found, content_id)

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
        fields = {name: str(posted.get(name, "")).strip()[:200] for name in _ACTION_FIELDS}
        values = {code.value: description, **fields}
        user = session.principal
        node, at = console.node, console.clock()
        recipient = item.entry.recipient
        try:
            arrival = None
            if code is StatusCode.REGISTERED:
                arrival = await run_in_threadpool(
                    lambda: _arrival.read_arrival(
                        node, recipient, fields["arrival_number"], fields["arrival_date"], at=at
                    )
                )
            if code is StatusCode.ASSIGNED:
                users = await run_in_threadpool(console.users.users)
                # The standard's free text names the assignee; who it is stays here, as data.
                chosen = _arrival.assignee(users, recipient, fields["assignee"])
                description = _arrival.assignee_text(chosen)
            submission = await run_in_threadpool(
                lambda: _received.send_status(node, item, code, description or None, at=at)
            )
        except _arrival.FieldProblem as exc:
            errors: dict[str, Message | str] = {exc.field: exc.message}
            return await page(request, item, errors=errors, values=values, status=422, failed=code)
        except LienthongError as exc:
            return await page(request, item, errors={code.value: exc.message}, values=values, status=422)
        params = {"document": item.entry.document_id, "code": code.value}
        if arrival is not None:
            await run_in_threadpool(
                lambda: _arrival.enter(
                    node, recipient, item.entry.message_id, arrival, actor=user.name, at=at
                )
            )
            params |= {"number": str(arrival.number), "arrived_on": arrival.arrived_on.isoformat()}
        if code is StatusCode.ASSIGNED:
            params["assignee"] = fields["assignee"]
        await run_in_threadpool(
            lambda: console.audit(request, user, "status-sent", submission.message_id, **params)
        )
        return RedirectResponse(f"{PREFIX}/inbox/{item_id}?saved=1", status_code=303)

    return router
