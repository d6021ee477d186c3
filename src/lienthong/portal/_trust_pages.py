"""Signing certificates and CRLs in the portal admin: bind a certificate to an agency code, list
the bindings with their expiry, unbind; upload a CA's CRL, list CRLs with their next update.

The directory does not revoke certificates itself: a CA does, in its CRL, and the admin uploads
that CRL here (the page says so). Each change is the registry's own method (``bind_certificate``,
``unbind_certificate``, ``add_crls``), as in the admin API, with the logged-in admin as the actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from cryptography import x509
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from lienthong._i18n import msg
from lienthong.directory import CertificateBinding, RevocationList, Scope, TrustAnchor
from lienthong.errors import CodeError, LienthongError
from lienthong.portal._kit import Errors, Pages, agency_names, field_of, upload

_CERTIFICATES: Final = "/portal/admin/certificates"
_CRLS: Final = "/portal/admin/crls"


@dataclass(frozen=True, slots=True)
class BindingLine:
    binding: CertificateBinding
    subject: str
    expires: datetime


@dataclass(frozen=True, slots=True)
class CrlLine:
    crl: RevocationList
    #: Certificates it revokes.
    revoked: int


@dataclass(frozen=True, slots=True)
class AnchorLine:
    anchor: TrustAnchor
    expires: datetime


def anchor_line(anchor: TrustAnchor) -> AnchorLine:
    return AnchorLine(
        anchor, x509.load_pem_x509_certificate(anchor.certificate_pem.encode()).not_valid_after_utc
    )


def binding_line(binding: CertificateBinding) -> BindingLine:
    certificate = x509.load_pem_x509_certificate(binding.certificate_pem.encode())
    return BindingLine(binding, certificate.subject.rfc4514_string(), certificate.not_valid_after_utc)


def crl_line(crl: RevocationList) -> CrlLine:
    return CrlLine(crl, len(x509.load_pem_x509_crl(crl.crl_pem.encode())))


def trust_router(pages: Pages) -> APIRouter:
    registry = pages.portal.figures.registry
    router = APIRouter(include_in_schema=False)

    # -- certificate bindings ------------------------------------------------------------------

    async def certificates_page(
        request: Request, *, errors: Errors, values: dict[str, str], status: int
    ) -> Response:
        def load() -> dict[str, Any]:
            snapshot = registry.snapshot()
            bindings = [binding_line(binding) for binding in snapshot.bindings]
            return {"bindings": bindings, "names": agency_names(registry)}

        data = await run_in_threadpool(load)
        context = {**data, "errors": errors, "values": values, "saved": request.query_params.get("saved")}
        return pages.render(request, "admin_certificates.html", context, status=status)

    @router.get(_CERTIFICATES, response_class=HTMLResponse)
    async def certificates(request: Request) -> Response:
        session = pages.admin(request, None)  # what is bound is published to every node anyway
        if isinstance(session, Response):
            return session
        return await certificates_page(request, errors={}, values={}, status=200)

    @router.post(_CERTIFICATES, response_class=HTMLResponse)
    async def bind(request: Request) -> Response:
        guarded = await pages.form(request, Scope.CERTIFICATES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        values = {"code": str(form.get("code", "")).strip(), "subtree": str(form.get("subtree", ""))}
        pem = (await upload(form, "certificate")).decode("utf-8", "replace")
        errors: Errors = {}
        if not pem:
            errors["certificate"] = msg("portal-file-required")
        else:
            try:
                await run_in_threadpool(
                    lambda: registry.bind_certificate(
                        values["code"], pem, subtree=values["subtree"] == "1", actor=session.principal.name
                    )
                )
            except CodeError as exc:
                errors = {"code": exc.message}
            except LienthongError as exc:
                errors = field_of(exc, {"directory-certificate-not-pem": "certificate"}, "code")
            else:
                return RedirectResponse(f"{_CERTIFICATES}?saved=bound", status_code=303)
        return await certificates_page(request, errors=errors, values=values, status=422)

    @router.post(f"{_CERTIFICATES}/unbind", response_class=HTMLResponse)
    async def unbind(request: Request) -> Response:
        guarded = await pages.form(request, Scope.CERTIFICATES_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        fingerprint, code = str(form.get("fingerprint", "")), str(form.get("code", ""))
        try:
            await run_in_threadpool(
                lambda: registry.unbind_certificate(fingerprint, code, actor=session.principal.name)
            )
        except LienthongError as exc:
            return await certificates_page(request, errors={"unbind": exc.message}, values={}, status=422)
        return RedirectResponse(f"{_CERTIFICATES}?saved=unbound", status_code=303)

    # -- CRLs ----------------------------------------------------------------------------------

    async def crls_page(request: Request, *, errors: Errors, status: int) -> Response:
        def load() -> dict[str, Any]:
            snapshot = registry.snapshot()
            return {
                "crls": [crl_line(crl) for crl in snapshot.crls],
                "anchors": [anchor_line(anchor) for anchor in snapshot.anchors],
                "missing": registry.missing_crls(),
            }

        data = await run_in_threadpool(load)
        context = {**data, "errors": errors, "saved": request.query_params.get("saved")}
        return pages.render(request, "admin_crls.html", context, status=status)

    @router.get(_CRLS, response_class=HTMLResponse)
    async def crls(request: Request) -> Response:
        session = pages.admin(request, None)
        if isinstance(session, Response):
            return session
        return await crls_page(request, errors={}, status=200)

    @router.post(_CRLS, response_class=HTMLResponse)
    async def add_crls(request: Request) -> Response:
        guarded = await pages.form(request, Scope.TRUST_WRITE)
        if isinstance(guarded, Response):
            return guarded
        session, form = guarded
        data, ca = await upload(form, "crl"), await upload(form, "ca")
        if not data:
            return await crls_page(request, errors={"crl": msg("portal-file-required")}, status=422)
        try:
            await run_in_threadpool(
                lambda: registry.add_crls(data, cas=[ca] if ca else [], actor=session.principal.name)
            )
        except LienthongError as exc:
            fields = {"directory-ca-option-invalid": "ca", "directory-ca-not-issued-by-anchor": "ca"}
            return await crls_page(request, errors=field_of(exc, fields, "crl"), status=422)
        return RedirectResponse(f"{_CRLS}?saved=1", status_code=303)

    return router
