"""Chữ ký hiển thị: an administrator sets how the node's signatures look for each agency.

    GET  /console/settings/appearance?code=…              the form, the current images, a preview
    POST /console/settings/appearance                     save (multipart: text, box, images)
    GET  /console/settings/appearance/{code}/{kind}.png   the stored signature or seal image
    GET  /console/settings/appearance/{code}/preview.png  a sample page with the appearance drawn

Administrators only (403 otherwise), for the agencies they work for; the form's CSRF token is
checked before anything is read or written; every change goes to the audit log as
``appearance-changed``. Settings live in the node's home (``node.save_appearance``); a console
whose node has no home (a test node) shows the page without a form.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from lienthong._i18n import Message, msg
from lienthong.console._pages_render import NotRenderable, blank_a4, render_once
from lienthong.console._session import Session
from lienthong.console._users import Role
from lienthong.console._web import PREFIX, Console
from lienthong.errors import LienthongError
from lienthong.node import AppearanceInvalid, AppearanceSettings, load_appearance, save_appearance
from lienthong.trust import MAX_IMAGE_BYTES, preview_pdf

ROLES: Final = frozenset({Role.ADMINISTRATOR})
ROUTE: Final = f"{PREFIX}/settings/appearance"
#: The upload's cap: two images and the form's few fields.
BODY_BYTES: Final = 2 * MAX_IMAGE_BYTES + 64 * 1024
_BOX: Final = ("x1", "y1", "x2", "y2")
#: What a new agency's form starts with: a signature block at the lower right of an A4 page.
DEFAULTS: Final = AppearanceSettings(title="", name="", box=(320, 80, 560, 250), page=-1, seal_width=102.0)


def appearance_router(console: Console) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def allowed(request: Request) -> Session | Response:
        session = console.session(request)
        if session is None:
            return console.login_redirect(request)
        if not session.principal.has(ROLES):
            return console.refused(request, 403, "forbidden")
        return session

    def agency(session: Session, code: str) -> str | None:
        codes = session.principal.codes
        if not code:
            return codes[0] if codes else None
        return code if code in codes else None

    async def page(
        request: Request,
        session: Session,
        code: str | None,
        *,
        values: dict[str, Any] | None = None,
        errors: dict[str, Message | str] | None = None,
        status: int = 200,
    ) -> Response:
        root = console.node.appearance_dir
        current = None
        problem: Message | str | None = None
        if code is not None:
            try:
                current = await run_in_threadpool(load_appearance, root, code)
            except AppearanceInvalid as exc:
                problem = exc.message
        shown = current or DEFAULTS
        context = {
            "codes": session.principal.codes,
            "code": code,
            "available": root is not None,
            "current": current,
            "problem": problem,
            "values": values or _values(shown),
            "errors": errors or {},
            "saved": request.query_params.get("saved") == "1",
            "route": ROUTE,
        }
        return console.render(request, "appearance.html", context, status=status)

    @router.get(ROUTE, response_class=HTMLResponse)
    async def show(request: Request) -> Response:
        session = allowed(request)
        if isinstance(session, Response):
            return session
        code = request.query_params.get("code", "")
        chosen = agency(session, code)
        if code and chosen is None:
            return console.refused(request, 404, "not_found")
        return await page(request, session, chosen)

    @router.post(ROUTE, response_class=HTMLResponse)
    async def save(request: Request) -> Response:
        session = allowed(request)
        if isinstance(session, Response):
            return session
        async with request.form(max_files=2, max_fields=20, max_part_size=64 * 1024) as posted:
            if not session.check_csrf(str(posted.get("csrf", ""))):
                return console.refused(request, 403, "stale_form")
            code = agency(session, str(posted.get("code", "")))
            values: dict[str, Any] = {
                name: str(posted.get(name, "")).strip()[:300]
                for name in ("title", "name", "page", "seal_width", *_BOX)
            }
            values["title"] = str(posted.get("title", "")).replace("\r\n", "\n").strip()[:300]
            values["remove_seal"] = posted.get("remove_seal") is not None
            images: dict[str, bytes | None] = {}
            for kind in ("signature", "seal"):
                upload = posted.get(kind)
                images[kind] = (
                    await upload.read(MAX_IMAGE_BYTES + 1)
                    if isinstance(upload, UploadFile) and upload.filename
                    else None
                )
        root = console.node.appearance_dir
        if code is None or root is None:
            return console.refused(request, 404, "not_found")
        errors: dict[str, Message | str] = {}
        parsed = _parse(values, errors)
        if parsed is None:
            return await page(request, session, code, values=values, errors=errors, status=422)
        try:
            current = await run_in_threadpool(load_appearance, root, code)
        except AppearanceInvalid:
            current = None
        signature = images["signature"] or (current.signature_png if current else None)
        seal = None if values["remove_seal"] else images["seal"] or (current.seal_png if current else None)
        settings = dataclasses.replace(parsed, signature_png=signature, seal_png=seal)
        try:
            await run_in_threadpool(save_appearance, root, code, settings)
        except AppearanceInvalid as exc:
            errors[_field_of(exc, images)] = exc.message
            return await page(request, session, code, values=values, errors=errors, status=422)
        changed = {
            "signature": "new" if images["signature"] else "kept",
            "seal": "removed" if values["remove_seal"] else ("new" if images["seal"] else "kept"),
            "box": " ".join(f"{v:g}" for v in settings.box),
            "page": str(settings.page),
        }
        await run_in_threadpool(
            console.audit, request, session.principal, "appearance-changed", code, **changed
        )
        return RedirectResponse(f"{ROUTE}?code={code}&saved=1", status_code=303)

    @router.get(f"{ROUTE}/{{code}}/{{kind}}.png")
    async def image(request: Request, code: str, kind: str) -> Response:
        session = allowed(request)
        if isinstance(session, Response):
            return session
        chosen = agency(session, code)
        if chosen is None or kind not in ("signature", "seal", "preview"):
            return console.refused(request, 404, "not_found")
        try:
            current = await run_in_threadpool(load_appearance, console.node.appearance_dir, chosen)
        except AppearanceInvalid:
            current = None
        if current is None:
            return console.refused(request, 404, "not_found")
        if kind == "preview":
            try:
                png: bytes | None = await run_in_threadpool(_preview, current)
            except (LienthongError, NotRenderable):
                png = None
        else:
            png = current.signature_png if kind == "signature" else current.seal_png
        if png is None:
            return console.refused(request, 404, "not_found")
        return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})

    return router


def _values(settings: AppearanceSettings) -> dict[str, Any]:
    x1, y1, x2, y2 = settings.box
    return {
        "title": settings.title,
        "name": settings.name,
        "page": str(settings.page),
        "seal_width": f"{settings.seal_width:g}",
        "x1": f"{x1:g}",
        "y1": f"{y1:g}",
        "x2": f"{x2:g}",
        "y2": f"{y2:g}",
        "remove_seal": False,
    }


def _parse(values: dict[str, Any], errors: dict[str, Message | str]) -> AppearanceSettings | None:
    """The form's numbers and text, each bad field named in ``errors``; None if any is bad."""
    numbers: dict[str, float] = {}
    for name in ("seal_width", *_BOX):
        try:
            numbers[name] = float(str(values[name]).replace(",", "."))
        except ValueError:
            errors[name] = msg("console-appearance-number", value=str(values[name]))
    try:
        page = int(values["page"])
    except ValueError:
        errors["page"] = msg("console-appearance-number", value=str(values["page"]))
        page = -1
    for name in ("title", "name"):
        if not values[name]:
            errors[name] = msg("console-appearance-required")
    if errors:
        return None
    box = (numbers["x1"], numbers["y1"], numbers["x2"], numbers["y2"])
    return AppearanceSettings(
        title=values["title"], name=values["name"], box=box, page=page, seal_width=numbers["seal_width"]
    )


def _field_of(error: AppearanceInvalid, images: dict[str, bytes | None]) -> str:
    """Which field an error belongs next to, by what it is about."""
    message = error.message
    code = message.code if not isinstance(message, str) else ""
    if "image" in code:
        what = message.params.get("what") if not isinstance(message, str) else None
        is_seal = isinstance(what, Message) and what.code == "trust-appearance-seal"
        return "seal" if is_seal or (images["seal"] and not images["signature"]) else "signature"
    if "page" in code:
        return "page"
    if "seal-width" in code:
        return "seal_width"
    if "box" in code:
        return "box"
    return "title"


def _preview(settings: AppearanceSettings) -> bytes | None:
    """Page 1 of a sample A4 page with the appearance drawn on it, as a PNG."""
    appearance = settings.appearance()
    if appearance is None:
        return None
    pdf = preview_pdf(blank_a4(), dataclasses.replace(appearance, page=1))
    return render_once(pdf, 1, scale=1.0)
