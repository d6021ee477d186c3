"""``POST /v1/statistics`` for nodes (mutual TLS) and ``/v1/admin/regulations`` for admins."""
# No "from __future__ import annotations": FastAPI evaluates the nested routes' annotations.

import logging
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers

from lienthong.directory import Admin, AdminFile, Scope
from lienthong.net import BodyRule, MiB, peer_certificate
from lienthong.portal._intake import Intake, StatisticsIntake
from lienthong.portal._regulations import Regulations
from lienthong.statistics import PATH, ServiceMetrics
from lienthong.store import ReportOutcome

_log = logging.getLogger("lienthong.portal.statistics")


class RegulationIn(BaseModel):
    issued_on: date
    reference: str | None = None


#: A signed statistics report: a day's figures of one agency, a few kB.
REPORT_BODY = 1 * MiB


def statistics_body_rule(intake: StatisticsIntake) -> BodyRule:
    """``POST /v1/statistics`` capped, its caller a registered node by the TLS client
    certificate, known before the body is read."""

    async def registered_node(_headers: Headers) -> None:
        peer = peer_certificate()  # read here: the connection's context, not a worker thread's
        await run_in_threadpool(intake.caller, peer)

    return BodyRule(PATH, REPORT_BODY, registered_node)


def statistics_router(intake: StatisticsIntake, metrics: ServiceMetrics) -> APIRouter:
    router = APIRouter()
    outcomes = metrics.counter("statistics_reports", "Statistics reports received, by outcome.", ("outcome",))

    @router.post(PATH)
    async def receive(request: Request) -> Any:
        peer = peer_certificate()  # read here: the connection's context, not a worker thread's
        body = await request.body()
        try:
            result: Intake = await run_in_threadpool(intake.accept, body, peer=peer)
        except Exception as exc:
            outcomes.labels("refused").inc()
            _log.info("statistics report refused", extra={"reason": getattr(exc, "code", "error")})
            raise
        outcomes.labels(result.outcome.value).inc()
        _log.info(
            "statistics report",
            extra={"report": result.report.report_id, "outcome": result.outcome.value},
        )
        status = 201 if result.outcome in {ReportOutcome.STORED, ReportOutcome.REPLACED} else 200
        return Response(
            content=(f'{{"outcome":"{result.outcome.value}","report":"{result.report.report_id}"}}').encode(),
            status_code=status,
            media_type="application/json",
        )

    return router


def regulations_router(regulations: Regulations, admins: AdminFile) -> APIRouter:
    def authenticated(authorization: Annotated[str | None, Header()] = None) -> Admin:
        return admins.authenticate(authorization)

    def writer(admin: Annotated[Admin, Depends(authenticated)]) -> Admin:
        admin.require(Scope.AGENCIES_WRITE)
        return admin

    def reader(admin: Annotated[Admin, Depends(authenticated)]) -> Admin:
        admin.require(Scope.AGENCIES_READ)
        return admin

    router = APIRouter(prefix="/v1/admin/regulations")

    @router.get("")
    def list_regulations(_admin: Annotated[Admin, Depends(reader)]) -> Any:
        return [
            {"code": e.code, "issued_on": e.issued_on, "reference": e.reference, "actor": e.actor}
            for e in regulations.all()
        ]

    @router.put("/{code}")
    def set_regulation(code: str, body: RegulationIn, admin: Annotated[Admin, Depends(writer)]) -> Any:
        entry = regulations.set(code, body.issued_on, actor=admin.name, reference=body.reference)
        return {"code": entry.code, "issued_on": entry.issued_on, "reference": entry.reference}

    @router.delete("/{code}", status_code=204)
    def clear_regulation(code: str, _admin: Annotated[Admin, Depends(writer)]) -> Response:
        regulations.clear(code)
        return Response(status_code=204)

    return router
