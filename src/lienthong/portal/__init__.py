"""The national monitoring portal and the directory's side of statistics.

``install_portal`` mounts on the directory's app: ``POST /v1/statistics`` (nodes, mutual TLS),
``/v1/admin/regulations`` (admins), the pages under ``/portal/`` with their static files (the
admin's pages manage the registry through the same registry methods the admin API calls), and
``/metrics``. ``lienthong.net.capture_peer_certificates`` prepares the server's TLS context so the
statistics route knows which node is calling.
"""

from collections.abc import Callable
from datetime import datetime
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from lienthong.directory import AdminFile, DirectoryRegistry
from lienthong.net import BodyGuard, ProblemAnswer, SecurityHeaders
from lienthong.portal._api import regulations_router, statistics_body_rule, statistics_router
from lienthong.portal._csv import agencies_csv
from lienthong.portal._errors import (
    ClientCertificateRequired,
    ReportConflict,
    ReportImplausible,
    ReportInvalid,
    ReportNotEntitled,
)
from lienthong.portal._figures import AgencyRow, Figures, NodeRow, Overview
from lienthong.portal._intake import Intake, StatisticsIntake, record_of
from lienthong.portal._kit import Pages, Portal
from lienthong.portal._pages import PREFIX, pages_body_rules, pages_router
from lienthong.portal._regulations import GroupFigure, Regulations
from lienthong.portal._session import Sessions, database_sessions
from lienthong.statistics import ServiceMetrics


def install_portal(
    app: FastAPI,
    *,
    registry: DirectoryRegistry,
    admins: AdminFile,
    clock: Callable[[], datetime],
    answer: ProblemAnswer,
) -> ServiceMetrics:
    """Mount statistics, regulations, the portal pages and ``/metrics`` on the directory's app;
    their bodies capped, a report's sender known before it is read (refusals by ``answer``)."""
    metrics = ServiceMetrics("directory")
    figures = Figures(registry, clock=clock)
    intake = StatisticsIntake(registry, clock=clock)
    sessions = Sessions(clock=clock, backend=database_sessions(registry.database))
    pages = Pages(Portal(figures, admins, sessions))
    rules = [statistics_body_rule(intake), *pages_body_rules(pages)]
    app.add_middleware(BodyGuard, rules=rules, answer=answer)
    app.include_router(statistics_router(intake, metrics))
    app.include_router(regulations_router(figures.regulations, admins))
    app.include_router(pages_router(pages))
    static = StaticFiles(directory=str(resources.files("lienthong.portal") / "static"))
    app.mount(f"{PREFIX}/static", static, name="portal-static")
    metrics.install(app)
    app.add_middleware(SecurityHeaders)  # every answer of the directory's app, not only the pages
    return metrics


__all__ = [
    "PREFIX",
    "AgencyRow",
    "ClientCertificateRequired",
    "Figures",
    "GroupFigure",
    "Intake",
    "NodeRow",
    "Overview",
    "Regulations",
    "ReportConflict",
    "ReportImplausible",
    "ReportInvalid",
    "ReportNotEntitled",
    "StatisticsIntake",
    "agencies_csv",
    "install_portal",
    "record_of",
]
