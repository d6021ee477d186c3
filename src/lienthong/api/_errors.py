"""Errors of the node's API, shaped by what the client does next.

LienthongError
└── ApiError                     the request cannot be served as it is
    ├── AuthenticationRequired   no credentials, or unknown ones (401)
    ├── ScopeForbidden           the client may not act for that agency code (403)
    ├── DocumentUnknown          no such document for this client (404)
    ├── DocumentArchived         the document was archived and its payload purged (410)
    ├── StatusOutOfOrder         the status breaks the order rules of ``_rules`` (409)
    ├── UploadTooLarge           the upload exceeds the node's limit (413)
    └── RequestInvalid           the request is malformed (400)
"""

from __future__ import annotations

from lienthong.errors import LienthongError


class ApiError(LienthongError):
    """Raised when an API request cannot be served as it is."""

    code = "api-error"


class AuthenticationRequired(ApiError):
    """Raised when a request carries no credentials, or credentials no client holds."""

    code = "authentication-required"


class ScopeForbidden(ApiError):
    """Raised when the client may not act for the agency code the request concerns."""

    code = "scope-forbidden"


class DocumentUnknown(ApiError):
    """Raised when the document (or item) does not exist for this client's codes."""

    code = "document-unknown"


class DocumentArchived(ApiError):
    """Raised when the document's payload left the node (archived, then purged by retention)."""

    code = "document-archived"


class StatusOutOfOrder(ApiError):
    """Raised when a status may not be sent now (e.g. 06 before 03, anything after 02)."""

    code = "status-out-of-order"


class UploadTooLarge(ApiError):
    """Raised when an upload exceeds the node's package limit."""

    code = "upload-too-large"


class RequestInvalid(ApiError):
    """Raised when the request is malformed (missing field, bad value)."""

    code = "request-invalid"
