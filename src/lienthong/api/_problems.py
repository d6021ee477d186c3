"""This service's table from domain errors to HTTP statuses (handlers: ``lienthong.net``).

Routes raise domain errors; the handler looks the error's class up along its MRO. Every error
body is JSON ``{"code": …, "message": …, "message_code": …, "params": …}``, its sentence in the
request's language; nothing answers with a traceback.
"""

from __future__ import annotations

import logging
from typing import Final

from fastapi import FastAPI

from lienthong._i18n import msg
from lienthong.api._errors import (
    AuthenticationRequired,
    DocumentArchived,
    DocumentUnknown,
    RequestInvalid,
    ScopeForbidden,
    StatusOutOfOrder,
    UploadTooLarge,
)
from lienthong.errors import (
    CodeError,
    DeliveryError,
    DirectoryError,
    LienthongError,
    NodeError,
    PackageRejected,
    StoreError,
)
from lienthong.net import install_problem_handlers as _install
from lienthong.net import problem_answer
from lienthong.net import status_of as _status_of
from lienthong.node import PackageRefused
from lienthong.store import DatabaseUnavailable, StoreConflict

_log = logging.getLogger("lienthong.api")

#: HTTP status by error class; the nearest class in an error's MRO decides.
STATUS: Final[dict[type[LienthongError], int]] = {
    LienthongError: 400,
    RequestInvalid: 400,
    AuthenticationRequired: 401,
    ScopeForbidden: 403,
    DocumentUnknown: 404,
    DocumentArchived: 410,
    StatusOutOfOrder: 409,
    StoreConflict: 409,
    UploadTooLarge: 413,
    PackageRejected: 422,
    PackageRefused: 422,
    CodeError: 422,
    DirectoryError: 422,
    NodeError: 500,
    StoreError: 500,
    DeliveryError: 503,
    DatabaseUnavailable: 503,
}


def status_of(error: LienthongError) -> int:
    return _status_of(error, STATUS)


_REALM = "lienthong-node"
_INTERNAL = msg("api-internal-error")

#: A domain error as this service answers it (also before a route runs: ``lienthong.net.BodyGuard``).
answer = problem_answer(STATUS, realm=_REALM, internal=_INTERNAL, log=_log)


def install_problem_handlers(app: FastAPI) -> None:
    """Register the shared handlers once on ``app``, with this service's table."""
    _install(app, STATUS, realm=_REALM, internal=_INTERNAL, log=_log)
