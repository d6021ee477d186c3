"""This service's table from domain errors to HTTP statuses (handlers: ``lienthong.net``).

Routes raise domain errors; the handler looks the error's class up along its MRO, so a new
subclass answers like its parent until the table says otherwise. Every error body is JSON
``{"code": …, "message": …}``; nothing answers with a traceback.
"""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI

from lienthong._i18n import msg
from lienthong.directory._errors import (
    AuthenticationRequired,
    ConfigurationRefused,
    DirectoryConflict,
    DirectoryEntryUnknown,
    DirectoryKeyError,
    DirectoryRequestInvalid,
    RequestUnprocessable,
    RouteRefused,
    ScopeMissing,
)
from lienthong.errors import CodeError, LienthongError, RegistryDataError
from lienthong.net import install_problem_handlers as _install
from lienthong.net import problem_answer
from lienthong.net import status_of as _status_of
from lienthong.store import DatabaseUnavailable, StoreConflict, StoreError

_log = logging.getLogger("lienthong.directory.server")

#: HTTP status by error class; the nearest class in an error's MRO decides.
STATUS: Final[dict[type[LienthongError], int]] = {
    LienthongError: 400,
    DirectoryRequestInvalid: 400,
    AuthenticationRequired: 401,
    ScopeMissing: 403,
    DirectoryEntryUnknown: 404,
    DirectoryConflict: 409,
    StoreConflict: 409,
    RouteRefused: 409,
    CodeError: 422,
    RegistryDataError: 422,
    DirectoryKeyError: 422,
    ConfigurationRefused: 422,
    RequestUnprocessable: 422,
    StoreError: 500,
    DatabaseUnavailable: 503,
}


def status_of(error: LienthongError) -> int:
    return _status_of(error, STATUS)


_REALM = "lienthong-directory"
_INTERNAL = msg("directory-internal-error")

#: A domain error as this service answers it (also before a route runs: ``lienthong.net.BodyGuard``).
answer = problem_answer(STATUS, realm=_REALM, internal=_INTERNAL, log=_log)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the shared handlers once on ``app``, with this service's table."""
    _install(app, STATUS, realm=_REALM, internal=_INTERNAL, log=_log)
