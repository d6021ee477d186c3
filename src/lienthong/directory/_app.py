"""``create_app``: the directory's own web application, the configuration for every member and
the admin API. ``lienthong.server`` serves it, with the portal mounted on it.
"""

from __future__ import annotations

from fastapi import FastAPI

from lienthong import __version__
from lienthong.directory._admin_api import admin_body_rules, admin_router
from lienthong.directory._admins import AdminFile
from lienthong.directory._config_api import config_router
from lienthong.directory._problems import answer, install_problem_handlers
from lienthong.directory._publisher import ConfigurationPublisher
from lienthong.directory._registry import DirectoryRegistry
from lienthong.net import BodyGuard


def create_app(
    *, registry: DirectoryRegistry, publisher: ConfigurationPublisher, admins: AdminFile
) -> FastAPI:
    """The directory's API: ``/v1/config`` for every member, ``/v1/admin/…`` for admins; errors
    answered from the directory's table (``answer_error`` answers them before a route runs)."""
    app = FastAPI(title="lienthong directory", version=__version__, docs_url=None, redoc_url=None)
    app.include_router(config_router(publisher))
    app.include_router(admin_router(registry, admins))
    # Added first: what is mounted later (the portal's guard and metrics) stands in front of it.
    app.add_middleware(BodyGuard, rules=admin_body_rules(admins), answer=answer)
    install_problem_handlers(app)
    return app
