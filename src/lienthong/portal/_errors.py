"""Why the directory refuses a statistics report. Each error is a kind of directory error, so
the directory's one table (``lienthong.directory._problems``) gives it its HTTP status.

DirectoryError
├── DirectoryRequestInvalid
│   └── ReportInvalid                 not a signed report of the known format (400)
│       └── ReportImplausible         a day to come, a counter no day can reach (422)
├── DirectoryConflict
│   └── ReportConflict                same revision number, other content (409)
└── AccessDenied
    ├── AuthenticationRequired
    │   └── ClientCertificateRequired no client certificate, or not a registered node's (401)
    └── ScopeMissing
        └── ReportNotEntitled         bad signature, other node, agency not served (403)
"""

from __future__ import annotations

from lienthong._i18n import Message
from lienthong.directory import (
    AuthenticationRequired,
    DirectoryConflict,
    DirectoryRequestInvalid,
    RequestUnprocessable,
    ScopeMissing,
)


class ReportInvalid(DirectoryRequestInvalid):
    """Raised when the body is not a signed statistics report of the known format."""

    code = "report-invalid"


class ReportImplausible(ReportInvalid, RequestUnprocessable):
    """Raised when a report's field holds a value no real day can have; ``field`` names it."""

    code = "report-implausible"

    def __init__(self, message: Message | str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ReportConflict(DirectoryConflict):
    """Raised when a revision already held arrives again with different content."""

    code = "report-conflict"


class ClientCertificateRequired(AuthenticationRequired):
    """Raised when the TLS client presented no certificate, or one of no registered node."""

    code = "client-certificate-required"


class ReportNotEntitled(ScopeMissing):
    """Raised when the report's signature, node or agency does not match the connected node."""

    code = "report-not-entitled"

    def __init__(self, message: Message | str, *, node: str) -> None:
        super().__init__(message, admin=node, scope="statistics:report")
