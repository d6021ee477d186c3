"""The VXP SDK's JSON answers (EDXML.md §4): ``status``, ``ErrorCode``, ``ErrorDesc``, and data.

Every answer is HTTP 200 with a JSON body, as the SDK expects; failures say ``status: FAIL``
with the error's stable code in ``ErrorCode`` and a sentence in ``ErrorDesc``.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from lienthong.errors import LienthongError


def ok(**data: Any) -> JSONResponse:
    return JSONResponse({"status": "OK", "ErrorCode": "0", "ErrorDesc": "", **data})


def fail(code: str, message: str) -> JSONResponse:
    return JSONResponse({"status": "FAIL", "ErrorCode": code, "ErrorDesc": message})


def fail_from(error: LienthongError) -> JSONResponse:
    return fail(error.code, error.message)
