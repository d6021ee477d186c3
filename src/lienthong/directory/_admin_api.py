"""``/v1/admin/…``: thin routes over ``DirectoryRegistry``, each behind a bearer token and a scope;
their bodies capped and the token checked before one is read (``admin_body_rules``).

The authenticated admin's name is the actor of every change the registry records. Routes are
plain functions (FastAPI runs them in a worker thread: the registry's database calls block);
errors are the registry's own, mapped to statuses by ``_problems``.
"""
# No "from __future__ import annotations": FastAPI must evaluate the annotations of the nested
# route functions, which name closures (the scope checks) that module globals do not hold.

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from lienthong._i18n import Message, negotiate, render
from lienthong.directory._admins import Admin, AdminFile, Scope
from lienthong.directory._files import apply_csv_upload
from lienthong.directory._registry import DirectoryRegistry
from lienthong.edxml import VIETNAM_TZ
from lienthong.net import BodyRule, MiB
from lienthong.store import AgencyEntry, NodeEntry


class AgencyIn(BaseModel):
    code: str
    name: str | None = None
    contact: str | None = None
    valid_from: date | None = None


class CloseIn(BaseModel):
    on: date
    successor: str | None = None


class NodeIn(BaseModel):
    name: str
    peer_url: str
    serves: list[str] = Field(default_factory=list)
    tls_certificate_pem: str | None = None
    replace: bool = False
    #: The node's seal certificate, when receipts and reports are sealed by another key than TLS.
    seal_certificate_pem: str | None = None
    #: The TLS certificate the node rolls over to: peers accept it beside the current one.
    next_tls_certificate_pem: str | None = None


class BindingIn(BaseModel):
    code: str
    certificate_pem: str
    subtree: bool = False


class AnchorIn(BaseModel):
    certificate_pem: str


class CrlIn(BaseModel):
    #: One or more CRLs, PEM.
    crl_pem: str
    #: CA certificates (PEM) that signed CRLs of ``crl_pem`` and are not trust anchors.
    ca_pem: str = ""


def _agency(entry: AgencyEntry) -> dict[str, Any]:
    return dataclasses.asdict(entry)


def _node(entry: NodeEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "peer_url": entry.peer_url,
        "serves": list(entry.subtrees),
        "tls_certificate_pem": entry.tls_certificate_pem,
        "seal_certificate_pem": entry.seal_certificate_pem,
        "next_tls_certificate_pem": entry.next_tls_certificate_pem,
        "version": entry.version,
    }


def _aware(moment: datetime | None) -> datetime | None:
    """A time asked without a zone is read as UTC (the audit log's own)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


#: CSV files (imports, reorganisations) and trust material (a CRL may be large).
FILE_BODY = 4 * MiB
#: Every other body of the directory: the JSON of one agency, node or binding.
SMALL_BODY = 1 * MiB


def admin_body_rules(admins: AdminFile) -> list[BodyRule]:
    """Caps of the admin routes (first match wins), behind an admin's token: FastAPI reads the
    body a route declares before its token dependency, so the token is checked here first."""

    async def token(headers: Headers) -> None:
        await run_in_threadpool(admins.authenticate, headers.get("authorization"))

    files = r"/v1/admin/(agencies/import|reorganize|anchors|crls)"
    return [
        BodyRule(files, FILE_BODY, token),
        BodyRule(r"/v1/admin(/.*)?", SMALL_BODY, token),
        # The portal's pages are capped by the portal's own guard (its uploads are files too).
        BodyRule(r"/(?!portal/).*", SMALL_BODY),
    ]


def admin_router(registry: DirectoryRegistry, admins: AdminFile) -> APIRouter:
    def authenticated(authorization: Annotated[str | None, Header()] = None) -> Admin:
        return admins.authenticate(authorization)

    def scoped(scope: Scope) -> Callable[..., Admin]:
        def check(admin: Annotated[Admin, Depends(authenticated)]) -> Admin:
            admin.require(scope)
            return admin

        return check

    router = APIRouter(prefix="/v1/admin")

    # -- agencies ------------------------------------------------------------------------------

    @router.post("/agencies", status_code=201)
    def add_agency(body: AgencyIn, admin: Annotated[Admin, Depends(scoped(Scope.AGENCIES_WRITE))]) -> Any:
        entry = registry.add_agency(
            body.code, name=body.name, contact=body.contact, valid_from=body.valid_from, actor=admin.name
        )
        return _agency(entry)

    @router.post("/agencies/{code}/close")
    def close_agency(
        code: str, body: CloseIn, admin: Annotated[Admin, Depends(scoped(Scope.AGENCIES_WRITE))]
    ) -> Any:
        return _agency(registry.close_agency(code, on=body.on, successor=body.successor, actor=admin.name))

    @router.get("/agencies/{code}")
    def show_agency(
        code: str,
        request: Request,
        _admin: Annotated[Admin, Depends(scoped(Scope.AGENCIES_READ))],
        at: Annotated[date | None, Query(description="The day asked about (default: today).")] = None,
    ) -> Any:
        day = at or datetime.now(VIETNAM_TZ).date()
        history = registry.agency(code)
        route = registry.network().route(code, at=day)
        problem = route.problem
        language = negotiate(request.headers.get("accept-language"))
        return {
            "code": history[0].code,
            "at": day,
            "active": route.status.active,
            "successor": route.successor,
            "node": None if route.node is None else route.node.name,
            "deliverable": route.deliverable,
            # Rendered in the language asked for; the data beside it for programs.
            "problem": None if problem is None else render(problem, language),
            "problem_message": problem.to_json() if isinstance(problem, Message) else None,
            "history": [_agency(entry) for entry in history],
        }

    async def _upload(data: bytes, apply: Callable[[Path], int]) -> dict[str, int]:
        return {"changed": await run_in_threadpool(apply_csv_upload, data, apply)}

    @router.post("/agencies/import")
    async def import_agencies(
        admin: Annotated[Admin, Depends(scoped(Scope.AGENCIES_WRITE))],
        body: Annotated[bytes, Body(media_type="text/csv")],
    ) -> Any:
        return await _upload(body, lambda path: registry.import_csv(path, actor=admin.name))

    @router.post("/reorganize")
    async def reorganize(
        admin: Annotated[Admin, Depends(scoped(Scope.AGENCIES_WRITE))],
        body: Annotated[bytes, Body(media_type="text/csv")],
    ) -> Any:
        return await _upload(body, lambda path: registry.reorganize(path, actor=admin.name))

    # -- nodes ---------------------------------------------------------------------------------

    @router.post("/nodes", status_code=201)
    def add_node(body: NodeIn, admin: Annotated[Admin, Depends(scoped(Scope.NODES_WRITE))]) -> Any:
        node = registry.add_node(
            body.name,
            body.peer_url,
            serves=body.serves,
            tls_certificate_pem=body.tls_certificate_pem,
            seal_certificate_pem=body.seal_certificate_pem,
            next_tls_certificate_pem=body.next_tls_certificate_pem,
            replace=body.replace,
            actor=admin.name,
        )
        return _node(node)

    @router.get("/nodes")
    def list_nodes(_admin: Annotated[Admin, Depends(scoped(Scope.NODES_READ))]) -> Any:
        return [_node(node) for node in registry.nodes()]

    @router.get("/nodes/{name}")
    def show_node(name: str, _admin: Annotated[Admin, Depends(scoped(Scope.NODES_READ))]) -> Any:
        return _node(registry.node(name))

    @router.delete("/nodes/{name}", status_code=204)
    def remove_node(name: str, admin: Annotated[Admin, Depends(scoped(Scope.NODES_WRITE))]) -> Response:
        registry.remove_node(name, actor=admin.name)
        return Response(status_code=204)

    # -- certificates, anchors, CRLs -----------------------------------------------------------

    @router.post("/certificates", status_code=201)
    def bind(body: BindingIn, admin: Annotated[Admin, Depends(scoped(Scope.CERTIFICATES_WRITE))]) -> Any:
        binding = registry.bind_certificate(
            body.code, body.certificate_pem, subtree=body.subtree, actor=admin.name
        )
        return {"fingerprint": binding.fingerprint, "code": binding.code, "subtree": binding.subtree}

    @router.delete("/certificates/{fingerprint}/{code}", status_code=204)
    def unbind(
        fingerprint: str, code: str, admin: Annotated[Admin, Depends(scoped(Scope.CERTIFICATES_WRITE))]
    ) -> Response:
        registry.unbind_certificate(fingerprint, code, actor=admin.name)
        return Response(status_code=204)

    @router.post("/anchors", status_code=201)
    def add_anchor(body: AnchorIn, admin: Annotated[Admin, Depends(scoped(Scope.TRUST_WRITE))]) -> Any:
        anchor = registry.add_anchor(body.certificate_pem, actor=admin.name)
        return {"fingerprint": anchor.fingerprint, "subject": anchor.subject}

    @router.post("/crls", status_code=201)
    def add_crl(body: CrlIn, admin: Annotated[Admin, Depends(scoped(Scope.TRUST_WRITE))]) -> Any:
        cas = [body.ca_pem.encode()] if body.ca_pem.strip() else []
        recorded = registry.add_crls(body.crl_pem.encode(), actor=admin.name, cas=cas)
        return {
            "crls": [
                {
                    "issuer": c.issuer,
                    "fingerprint": c.fingerprint,
                    "this_update": c.this_update,
                    "changed": changed,
                }
                for c, changed in recorded
            ],
            # CAs still without the CRL publishing needs: the configuration is not published until then.
            "missing": registry.missing_crls(),
        }

    # -- audit ---------------------------------------------------------------------------------

    @router.get("/audit")
    def audit(
        _admin: Annotated[Admin, Depends(scoped(Scope.AUDIT_READ))],
        subject: str | None = None,
        actor: str | None = None,
        action: Annotated[str | None, Query(description="An action, or its kind (agency, node, …).")] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Any:
        entries = registry.audit(
            limit=limit,
            subject=subject,
            actor=actor,
            action=action,
            since=_aware(since),
            until=_aware(until),
            offset=offset,
        )
        return [dataclasses.asdict(entry) for entry in entries]

    return router
