"""Domain errors as HTTP problems: each service keeps its own table, the handlers are shared.

Routes raise domain errors; the handler looks the error's class up along its MRO in the
service's table, so a new subclass answers like its parent until the table says otherwise.
Every error body is JSON ``{"code": …, "message": …}``; nothing answers with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from lienthong._i18n import tr
from lienthong.errors import LienthongError

__all__ = ["ProblemTable", "install_problem_handlers", "problem", "problem_answer", "status_of"]

#: HTTP status by error class; the nearest class in an error's MRO decides.
ProblemTable = Mapping[type[LienthongError], int]


def status_of(error: LienthongError, table: ProblemTable) -> int:
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return 500


def problem(
    status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


def problem_answer(
    table: ProblemTable, *, realm: str, internal: tuple[str, str], log: logging.Logger
) -> Callable[[LienthongError], JSONResponse]:
    """How a service answers its domain errors: status by ``table``, a 401 naming the bearer
    ``realm``, a 5xx logged and told as ``internal`` (its message in Vietnamese and English)."""

    def answer(error: LienthongError) -> JSONResponse:
        status = status_of(error, table)
        headers = {"WWW-Authenticate": f'Bearer realm="{realm}"'} if status == 401 else None
        if status >= 500:  # our own failure: its text may carry SQL or paths, which stay in the log
            log.error("%s: %s", error.code, error)
            return problem(status, error.code, tr(*internal), headers=headers)
        return problem(status, error.code, str(error), headers=headers)

    return answer


def install_problem_handlers(
    app: FastAPI, table: ProblemTable, *, realm: str, internal: tuple[str, str], log: logging.Logger
) -> None:
    """Register the handlers once on ``app``: domain errors by ``table`` (``problem_answer``),
    request validation as 400, HTTP errors as themselves, anything else as 500 (logged)."""
    answer = problem_answer(table, realm=realm, internal=internal, log=log)

    async def domain(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, LienthongError)
        return answer(exc)

    async def validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        parts = [
            ".".join(str(part) for part in error.get("loc", ())) + f": {error.get('msg', '')}"
            for error in exc.errors()
        ]
        message = tr("Yêu cầu không hợp lệ: ", "Invalid request: ") + "; ".join(parts)
        return problem(400, "request-invalid", message)

    async def http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return problem(exc.status_code, code, str(exc.detail), headers=exc.headers)

    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return problem(500, "internal-error", tr(*internal))

    app.add_exception_handler(LienthongError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(Exception, unexpected)
