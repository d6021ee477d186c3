"""The one table from domain errors to HTTP statuses, and the handlers that use it.

Routes raise domain errors; the handler looks the error's class up along its MRO. Every error
body is JSON ``{"code": …, "message": …}``; nothing answers with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from lienthong._i18n import tr
from lienthong.api._errors import (
    AuthenticationRequired,
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
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def problem(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


async def _domain(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LienthongError)
    status = status_of(exc)
    headers = {"WWW-Authenticate": 'Bearer realm="lienthong-node"'} if status == 401 else None
    return problem(status, exc.code, exc.message, headers=headers)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', '')}")
    message = tr("Yêu cầu không hợp lệ: ", "Invalid request: ") + "; ".join(parts)
    return problem(400, "request-invalid", message)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    return problem(exc.status_code, code, str(exc.detail), headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error", exc_info=exc)
    return problem(500, "internal-error", tr("Lỗi nội bộ của điểm kết nối.", "Internal node error."))


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers once on ``app``."""
    app.add_exception_handler(LienthongError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
