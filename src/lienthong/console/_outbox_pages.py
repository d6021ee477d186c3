"""Văn bản đi: compose and send, the list of sent documents, and each one's per-recipient
timeline, which the page refreshes from ``timeline.json`` without reloading."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lienthong._i18n import Message, render
from lienthong.console import _lists, _sending, _words
from lienthong.console._session import Session
from lienthong.console._web import COMPOSE_ROLES, PREFIX, Console, language, may
from lienthong.store import Direction

_FIELDS = ("sender", "number", "notation", "subject", "promulgated_on", "place")


def outbox_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(f"{PREFIX}/outbox", response_class=HTMLResponse)
    async def outbox(request: Request) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        params = dict(request.query_params)
        view = await run_in_threadpool(
            lambda: _lists.documents(
                console.node, session.principal.codes, params, direction=Direction.OUT, at=console.clock()
            )
        )
        status = 422 if view.errors else 200
        return console.render(request, "outbox.html", _lists.context(view), status=status)

    @router.get(f"{PREFIX}/outbox/{{message_id}}", response_class=HTMLResponse)
    async def sent(request: Request, message_id: str) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        found = await run_in_threadpool(
            _sending.sent_document, console.node, session.principal.codes, message_id
        )
        if found is None:
            return console.refused(request, 404, "not_found")
        context = {"doc": found, "just_sent": request.query_params.get("sent") == "1"}
        return console.render(request, "sent.html", context)

    @router.get(f"{PREFIX}/outbox/{{message_id}}/timeline.json")
    async def timeline(request: Request, message_id: str) -> Response:
        session = console.session(request)
        if session is None:
            return JSONResponse({"error": "login required"}, status_code=401)
        found = await run_in_threadpool(
            _sending.sent_document, console.node, session.principal.codes, message_id
        )
        if found is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        lang = language(request)
        # A delivery's failure is data below this page; it reads in the user's language here.
        recipients = [{**r, "last_error": render(r["last_error"], lang)} for r in found.recipients]
        return JSONResponse(
            {"message_id": found.message_id, "recipients": recipients},
            headers={"Cache-Control": "no-store"},
        )

    async def compose_page(
        request: Request,
        session: Session,
        *,
        errors: dict[str, Message | str],
        values: dict[str, Any],
        status: int = 200,
    ) -> Response:
        query = str(request.query_params.get("q", ""))[:100]
        agencies = await run_in_threadpool(
            lambda: _sending.recipients(console.node, at=console.clock(), query=query)
        )
        chosen = set(values.get("to", ()))
        context = {
            "agencies": agencies,
            "query": query,
            "errors": errors,
            "values": values,
            "chosen": chosen,
            "senders": session.principal.codes,
            "signers": set(console.node.signers),
        }
        return console.render(request, "compose.html", context, status=status)

    @router.get(f"{PREFIX}/compose", response_class=HTMLResponse)
    async def compose_form(request: Request) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not may(session.principal, COMPOSE_ROLES):
            return console.refused(request, 403, "forbidden")
        first = session.principal.codes[0] if session.principal.codes else ""
        return await compose_page(request, session, errors={}, values={"sender": first, "sign": True})

    @router.post(f"{PREFIX}/compose", response_class=HTMLResponse)
    async def compose(request: Request) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not may(session.principal, COMPOSE_ROLES):
            return console.refused(request, 403, "forbidden")
        limit = console.node.limits.max_package_bytes
        async with request.form(max_files=50, max_fields=500) as posted:
            if not session.check_csrf(str(posted.get("csrf", ""))):
                return console.refused(request, 403, "stale_form")
            values: dict[str, Any] = {name: str(posted.get(name, "")).strip()[:500] for name in _FIELDS}
            values["to"] = [str(code).strip() for code in posted.getlist("to") if str(code).strip()]
            values["sign"] = posted.get("sign") is not None
            files = []
            total = 0
            for upload in posted.getlist("files"):
                if isinstance(upload, UploadFile) and upload.filename:
                    data = await upload.read(limit + 1 - total)
                    total += len(data)
                    files.append((upload.filename, data))
        errors: dict[str, Message | str] = {}
        if total > limit:
            t = _words.words(language(request))
            errors["files"] = f"{t['files']}: > {limit:,} B"
            return await compose_page(request, session, errors=errors, values=values, status=422)
        draft = _sending.Draft(
            sender=values["sender"],
            number=values["number"],
            notation=values["notation"],
            subject=values["subject"],
            to=tuple(values["to"]),
            files=tuple(files),
            promulgated_on=values["promulgated_on"],
            place=values["place"],
            sign=values["sign"],
        )
        outcome = await run_in_threadpool(
            lambda: _sending.compose(console.node, draft, codes=session.principal.codes, at=console.clock())
        )
        if outcome.submission is None:
            return await compose_page(request, session, errors=outcome.errors, values=values, status=422)
        return RedirectResponse(f"{PREFIX}/outbox/{outcome.submission.message_id}?sent=1", status_code=303)

    return router
