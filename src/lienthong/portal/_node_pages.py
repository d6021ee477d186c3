"""The registry's nodes in the portal admin: list, add, edit (address, served agencies, TLS
certificate), remove; each through the registry's own ``add_node``/``remove_node``, as the admin
API does, with the logged-in admin as the actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from cryptography import x509
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import msg
from lienthong.directory import NodeEntry, Scope
from lienthong.errors import CodeError, LienthongError
from lienthong.portal._kit import Errors, Pages, agency_names, field_of, upload

_BASE: Final = "/portal/admin/nodes"
#: Served codes as typed: one a line, or separated by commas or spaces.
_SEPARATORS = re.compile(r"[\s,;]+")
#: Which field a refusal of ``DirectoryRegistry.add_node`` belongs next to, by its code.
_FIELDS: Final = {
    "directory-url-not-http": "peer_url",
    "directory-certificate-not-pem": "tls",
    "directory-node-exists": "name",
    "directory-subtrees-taken": "serves",
}


@dataclass(frozen=True, slots=True)
class NodeLine:
    entry: NodeEntry
    #: The end of its TLS certificate's validity, when one is registered.
    expires: datetime | None


def line_of(entry: NodeEntry) -> NodeLine:
    pem = entry.tls_certificate_pem
    expires = None if pem is None else x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc
    return NodeLine(entry, expires)


def node_router(pages: Pages) -> APIRouter:
    registry = pages.portal.figures.registry
    router = APIRouter(include_in_schema=False)

    async def listing(request: Request, *, errors: Errors, values: dict[str, str], status: int) -> Response:
        nodes = await run_in_threadpool(lambda: [line_of(node) for node in registry.nodes()])
        names = await run_in_threadpool(agency_names, registry)
        saved = request.query_params.get("saved")
        context = {"nodes": nodes, "names": names, "errors": errors, "values": values, "saved": saved}
        return pages.render(request, "admin_nodes.html", context, status=status)

    async def editor(
        request: Request, name: str, *, errors: Errors, values: dict[str, str], status: int
    ) -> Response:
        try:
            node = await run_in_threadpool(registry.node, name)
        except LienthongError:
            return pages.render(request, "refused.html", {"message_key": "not_found"}, status=404)
        shown = values or {"peer_url": node.peer_url, "serves": "\n".join(node.subtrees)}
        context = {"node": line_of(node), "errors": errors, "values": shown}
        return pages.render(request, "admin_node.html", context, status=status)

    @router.get(_BASE, response_class=HTMLResponse)
    async def nodes(request: Request) -> Response:
        session = pages.admin(request, Scope.NODES_READ)
        if isinstance(session, Response):
            return session
        return await listing(request, errors={}, values={}, status=200)

    @router.get(f"{_BASE}/{{name}}", response_class=HTMLResponse)
    async def node(request: Request, name: str) -> Response:
        session = pages.admin(request, Scope.NODES_READ)
        if isinstance(session, Response):
            return session
        return await editor(request, name, errors={}, values={}, status=200)

    async def save(request: Request, existing: str | None) -> Response:
        guarded = await pages.form(request, Scope.NODES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        values = {key: str(form.get(key, "")).strip() for key in ("name", "peer_url", "serves")}
        name = existing or values["name"]
        take = form.get("take_subtrees") == "1"
        pem = (await upload(form, "tls")).decode("utf-8", "replace") or None
        errors: Errors = {}
        if not name:
            errors["name"] = msg("portal-name-required")
        else:
            try:
                seal = following = None
                if existing is not None:  # no new certificate: the node keeps its own; its seal stays
                    current = await run_in_threadpool(registry.node, existing)
                    pem, seal = pem or current.tls_certificate_pem, current.seal_certificate_pem
                    # A rollover under way stays published, unless its certificate is now the current.
                    if current.next_tls_certificate_pem != pem:
                        following = current.next_tls_certificate_pem
                certificate = pem
                await run_in_threadpool(
                    lambda: registry.add_node(
                        name,
                        values["peer_url"],
                        serves=[code for code in _SEPARATORS.split(values["serves"]) if code],
                        tls_certificate_pem=certificate,
                        seal_certificate_pem=seal,
                        next_tls_certificate_pem=following,
                        replace=existing is not None,
                        take_subtrees=take,
                        actor=session.principal.name,
                    )
                )
            except CodeError as exc:
                errors = {"serves": exc.message}
            except LienthongError as exc:
                errors = field_of(exc, _FIELDS, "name")
            else:
                return RedirectResponse(f"{_BASE}?saved={name}", status_code=303)
        if existing is not None:
            return await editor(request, existing, errors=errors, values=values, status=422)
        return await listing(request, errors=errors, values=values, status=422)

    @router.post(_BASE, response_class=HTMLResponse)
    async def add(request: Request) -> Response:
        return await save(request, None)

    @router.post(f"{_BASE}/{{name}}", response_class=HTMLResponse)
    async def edit(request: Request, name: str) -> Response:
        return await save(request, name)

    @router.post(f"{_BASE}/{{name}}/remove", response_class=HTMLResponse)
    async def remove(request: Request, name: str) -> Response:
        guarded = await pages.form(request, Scope.NODES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, _form = guarded
        try:
            await run_in_threadpool(lambda: registry.remove_node(name, actor=session.principal.name))
        except LienthongError as exc:
            return await listing(request, errors={"remove": exc.message}, values={}, status=422)
        return RedirectResponse(f"{_BASE}?saved={name}", status_code=303)

    return router
