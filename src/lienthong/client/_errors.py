"""Errors of the client SDK.

LienthongError
└── ClientError               the node's API could not do what was asked
    ├── ApiRefused            the node answered with an error (4xx, 5xx): ``status``, ``code``
    └── ApiUnavailable        no usable answer after the retries (connection, 502/503/504)
"""

from __future__ import annotations

from lienthong.errors import LienthongError


class ClientError(LienthongError):
    """Raised when the node's API cannot do what was asked."""

    code = "client-error"


class ApiRefused(ClientError):
    """Raised when the node answers with an error body ``{"code", "message"}``; never retried."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message, code=code)
        #: The HTTP status of the answer.
        self.status = status


class ApiUnavailable(ClientError):
    """Raised when the node could not be reached, or kept answering 502/503/504, after every retry."""

    code = "api-unavailable"
