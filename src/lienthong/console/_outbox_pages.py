"""Văn bản đi: compose and send, the list of sent documents, and each one's per-recipient
timeline, which the page refreshes from ``timeline.json`` without reloading."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lienthong._i18n import Message, fold, msg, render
from lienthong.console import _lists, _sending, _words
from lienthong.console._downloads import attachment_response
from lienthong.console._kinds import COMPETENCES, DEFAULT_KIND, KINDS, URGENCIES
from lienthong.console._session import Session
from lienthong.console._web import COMPOSE_ROLES, PREFIX, Console, language, may
from lienthong.errors import LienthongError
from lienthong.store import Direction

_FIELDS = (
    "sender",
    "number",
    "notation",
    "subject",
    "promulgated_on",
    "place",
    "kind",
    "competence",
    "on_behalf_of",
    "position",
    "signer_name",
    "urgency",
    "due_date",
    "acts_on",
    "business",
    "reason",
)


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
        return await sent_page(request, found, errors={}, values={})

    async def sent_page(
        request: Request,
        found: _sending.SentDocument,
        *,
        errors: dict[str, Message | str],
        values: dict[str, str],
        status: int = 200,
    ) -> Response:
        session = console.session(request)
        context = {
            "doc": found,
            "just_sent": request.query_params.get("sent") == "1",
            "recalled": request.query_params.get("recalled") == "1",
            "may_act": session is not None and may(session.principal, COMPOSE_ROLES),
            "errors": errors,
            "values": values,
        }
        return console.render(request, "sent.html", context, status=status)

    @router.get(f"{PREFIX}/outbox/{{message_id}}/attachments/{{content_id}}")
    async def sent_attachment(request: Request, message_id: str, content_id: str) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        try:
            found = await run_in_threadpool(
                _sending.sent_attachment, console.node, session.principal.codes, message_id, content_id
            )
        except _sending.NotSent:
            return console.refused(request, 404, "not_found")
        return attachment_response(found, content_id)

    @router.post(f"{PREFIX}/outbox/{{message_id}}/recall", response_class=HTMLResponse)
    async def recall(request: Request, message_id: str) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        posted = await request.form()
        if not session.check_csrf(str(posted.get("csrf", ""))):
            return console.refused(request, 403, "stale_form")
        if not may(session.principal, COMPOSE_ROLES):
            return console.refused(request, 403, "forbidden")
        codes = session.principal.codes
        found = await run_in_threadpool(_sending.sent_document, console.node, codes, message_id)
        if found is None:
            return console.refused(request, 404, "not_found")
        reason = str(posted.get("reason", "")).strip()[:1000]
        values = {"reason": reason}
        if not reason:
            errors: dict[str, Message | str] = {"reason": msg("console-recall-reason-missing")}
            return await sent_page(request, found, errors=errors, values=values, status=422)
        try:
            submission = await run_in_threadpool(
                lambda: _sending.recall(console.node, codes, message_id, reason, at=console.clock())
            )
        except LienthongError as exc:
            return await sent_page(request, found, errors={"reason": exc.message}, values=values, status=422)
        await run_in_threadpool(
            lambda: console.audit(
                request,
                session.principal,
                "recall-requested",
                submission.message_id,
                document=found.document_id,
                recalled=message_id,
            )
        )
        return RedirectResponse(f"{PREFIX}/outbox/{message_id}?recalled=1", status_code=303)

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
        sender = str(values.get("sender", ""))
        agencies = await run_in_threadpool(
            lambda: _sending.recipients(console.node, at=console.clock(), query=query, exclude=(sender,))
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
            "kinds": KINDS.values(),
            "competences": COMPETENCES,
            "urgencies": URGENCIES,
            "fold": fold,
        }
        return console.render(request, "compose.html", context, status=status)

    def form_values(source: Any) -> dict[str, Any]:
        """The compose fields of a posted form, or of the query a GET search carried them in."""
        values: dict[str, Any] = {name: str(source.get(name, "")).strip()[:500] for name in _FIELDS}
        values["to"] = [str(code).strip() for code in source.getlist("to") if str(code).strip()][:500]
        values["sign"] = source.get("sign") is not None
        values["kind"] = values["kind"] or DEFAULT_KIND
        values["urgency"] = values["urgency"] or "0"
        return values

    @router.get(f"{PREFIX}/compose", response_class=HTMLResponse)
    async def compose_form(request: Request) -> Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not may(session.principal, COMPOSE_ROLES):
            return console.refused(request, 403, "forbidden")
        params = request.query_params
        if "csrf" in params:  # the search button carried the whole draft: the token leaves the URL
            kept = urlencode([(k, v) for k, v in params.multi_items() if k != "csrf"])
            return RedirectResponse(f"{PREFIX}/compose?{kept}", status_code=303)
        first = session.principal.codes[0] if session.principal.codes else ""
        values: dict[str, Any] | None
        if "sender" in params:  # the search button of a form without JS: the draft stays
            values = form_values(params)
        elif params.get("acts_on"):  # update or replace a sent document: its fields, linked to it
            business = int(params["business"]) if params.get("business", "").isdigit() else 0
            values = await run_in_threadpool(
                _sending.prefill, console.node, session.principal.codes, params["acts_on"], business
            )
            if values is None:
                return console.refused(request, 404, "not_found")
        else:
            values = {"sender": first, "sign": True, "kind": DEFAULT_KIND, "urgency": "0"}
        return await compose_page(request, session, errors={}, values=values)

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
            values = form_values(posted)
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
            kind=values["kind"],
            competence=values["competence"],
            on_behalf_of=values["on_behalf_of"],
            position=values["position"],
            signer_name=values["signer_name"],
            urgency=values["urgency"],
            due_date=values["due_date"],
            acts_on=values["acts_on"],
            business=int(values["business"]) if values["business"].isdigit() else 0,
            reason=values["reason"],
        )
        outcome = await run_in_threadpool(
            lambda: _sending.compose(console.node, draft, codes=session.principal.codes, at=console.clock())
        )
        if outcome.submission is None:
            return await compose_page(request, session, errors=outcome.errors, values=values, status=422)
        submission = outcome.submission
        action = {"2": "document-updated", "3": "document-replaced"}.get(values["business"], "document-sent")
        params = {"document": submission.document_id}
        if values["acts_on"]:
            params["earlier"] = values["acts_on"]
        await run_in_threadpool(
            lambda: console.audit(request, session.principal, action, submission.message_id, **params)
        )
        return RedirectResponse(f"{PREFIX}/outbox/{submission.message_id}?sent=1", status_code=303)

    return router
