"""Domain errors as HTTP problems: each service keeps its own table, the handlers are shared.

Routes raise domain errors; the handler looks the error's class up along its MRO in the
service's table, so a new subclass answers like its parent until the table says otherwise.
Every error body is JSON ``{"code": …, "message": …, "message_code": …, "params": {…}}``: the
problem's stable kind, the error's message rendered in the language the request asked for
(``Accept-Language``, Vietnamese by default; ``Content-Language`` names it), and the message as
data (its code and parameters) for a program to render itself (absent when the message is a
sentence from elsewhere). Nothing answers with a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from lienthong._i18n import Language, Message, msg, negotiate, render
from lienthong.errors import LienthongError

__all__ = [
    "ProblemAnswer",
    "ProblemTable",
    "install_problem_handlers",
    "problem",
    "problem_answer",
    "problem_data",
    "request_language",
    "status_of",
]

#: HTTP status by error class; the nearest class in an error's MRO decides.
ProblemTable = Mapping[type[LienthongError], int]


class ProblemAnswer(Protocol):
    """A service's answer to a domain error, in the ``language`` the request asked for."""

    def __call__(self, error: LienthongError, language: Language = "vi") -> JSONResponse: ...


def request_language(headers: Mapping[str, str]) -> Language:
    """The language a request's ``Accept-Language`` prefers among ours; Vietnamese by default."""
    return negotiate(headers.get("accept-language"))


def status_of(error: LienthongError, table: ProblemTable) -> int:
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return 500


def problem(
    status: int,
    code: str,
    message: Message | str,
    *,
    language: Language = "vi",
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The problem ``code`` answered with ``status``: ``message`` rendered in ``language`` and,
    when it is a Message, its code and parameters too."""
    body: dict[str, Any] = {"code": code, "message": render(message, language)}
    if isinstance(message, Message):
        data = message.to_json()
        body["message_code"], body["params"] = data["code"], data["params"]
    answered = {"Content-Language": language, "Vary": "Accept-Language", **(headers or {})}
    return JSONResponse(body, status_code=status, headers=answered)


def problem_data(body: object) -> Message | None:
    """The message a problem body (``problem``) carries as data, ``message_code`` and ``params``;
    None when it has none (an older server) or they are not a message."""
    if not isinstance(body, dict) or not isinstance(body.get("message_code"), str):
        return None
    try:
        return Message.from_json({"code": body["message_code"], "params": body.get("params") or {}})
    except ValueError:
        return None


def problem_answer(
    table: ProblemTable, *, realm: str, internal: Message, log: logging.Logger
) -> ProblemAnswer:
    """How a service answers its domain errors: status by ``table``, a 401 naming the bearer
    ``realm``, a 5xx logged and told as ``internal``; in the request's language
    (``request_language``)."""

    def answer(error: LienthongError, language: Language = "vi") -> JSONResponse:
        status = status_of(error, table)
        headers = {"WWW-Authenticate": f'Bearer realm="{realm}"'} if status == 401 else None
        if status >= 500:  # our own failure: its text may carry SQL or paths, which stay in the log
            log.error("%s: %s", error.code, error)
            return problem(status, error.code, internal, language=language, headers=headers)
        return problem(status, error.code, error.message, language=language, headers=headers)

    return answer


def _field(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg', '')}"


def install_problem_handlers(
    app: FastAPI, table: ProblemTable, *, realm: str, internal: Message, log: logging.Logger
) -> None:
    """Register the handlers once on ``app``: domain errors by ``table`` (``problem_answer``),
    request validation as 400, HTTP errors as themselves, anything else as 500 (logged); each
    answered in the request's language."""
    answer = problem_answer(table, realm=realm, internal=internal, log=log)

    async def domain(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, LienthongError)
        return answer(exc, request_language(request.headers))

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        # The fields' own words are pydantic's (English): a program reads ``params``.
        fields = "; ".join(_field(error) for error in exc.errors())
        said = msg("net-request-invalid", fields=fields)
        return problem(400, "request-invalid", said, language=request_language(request.headers))

    async def http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        language = request_language(request.headers)
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        said: Message | str
        if exc.status_code == 404:
            said = msg("net-not-found", path=request.url.path)
        elif exc.status_code == 405:
            said = msg("net-method-not-allowed", method=request.method, path=request.url.path)
        elif exc.detail == _phrase(exc.status_code):  # Starlette's default detail
            said = msg("net-http-error", status=exc.status_code, phrase=exc.detail)
        else:  # a route's own words
            said = str(exc.detail)
        return problem(exc.status_code, code, said, language=language, headers=exc.headers)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        language = request_language(request.headers)
        return problem(500, "internal-error", internal, language=language)

    app.add_exception_handler(LienthongError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(Exception, unexpected)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
