"""The VXP SDK's JSON answers (EDXML.md §4): ``status``, ``ErrorCode``, ``ErrorDesc``, and data.

Every answer is HTTP 200 with a JSON body, as the SDK expects; failures say ``status: FAIL``
with the error's stable code in ``ErrorCode`` and a sentence in ``ErrorDesc``, in the language
the request asked for (``Accept-Language``; Vietnamese by default, as the SDK's users read it).
The body keeps the SDK's shape: nothing more is added to it.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from lienthong._i18n import Language, Message, render
from lienthong.errors import LienthongError


def ok(**data: Any) -> JSONResponse:
    return JSONResponse({"status": "OK", "ErrorCode": "0", "ErrorDesc": "", **data})


def fail(code: str, message: Message | str, language: Language = "vi") -> JSONResponse:
    return JSONResponse(
        {"status": "FAIL", "ErrorCode": code, "ErrorDesc": render(message, language)},
        headers={"Content-Language": language, "Vary": "Accept-Language"},
    )


def fail_from(error: LienthongError, language: Language = "vi") -> JSONResponse:
    return fail(error.code, error.message, language)
