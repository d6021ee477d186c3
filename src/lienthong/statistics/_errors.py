"""Errors of statistics reports, shaped by what the caller does next.

LienthongError
└── StatisticsError             a statistics report cannot be built, read, sent or accepted
    ├── ReportMalformed         not a report of this format: fix the sender, never resend as is
    │   └── ReportImplausible   well formed, but a value cannot be true (a day to come, 10^15 sent)
    ├── ReportSignatureInvalid  the signature does not verify with the node's certificate
    ├── ReportRejected          the directory refused the report (HTTP 4xx): never resend as is
    └── StatisticsUnreachable   the directory could not be reached or failed (5xx): retry later
"""

from __future__ import annotations

from lienthong._i18n import Message
from lienthong.errors import LienthongError


class StatisticsError(LienthongError):
    """Raised when a statistics report cannot be built, read, sent or accepted."""

    code = "statistics-error"


class ReportMalformed(StatisticsError):
    """Raised when bytes are not a statistics report of the known format (or a field is wrong)."""

    code = "report-malformed"


class ReportImplausible(ReportMalformed):
    """Raised when a field of a well-formed report holds a value no real day can have: a day
    before the network or after tomorrow, a negative counter or one beyond ``MAX_COUNT``."""

    code = "report-implausible"

    def __init__(self, message: Message | str, *, field: str) -> None:
        super().__init__(message)
        #: The field at fault, as the report's JSON names it (``sent``, ``latency.buckets``).
        self.field = field


class ReportSignatureInvalid(StatisticsError):
    """Raised when a report's signature does not verify with the certificate it is checked against."""

    code = "report-signature-invalid"


class ReportRejected(StatisticsError):
    """Raised by the client when the directory answers 4xx: resending the same report cannot help."""

    code = "report-rejected"

    def __init__(self, message: Message | str, *, status: int, problem: str) -> None:
        super().__init__(message)
        #: The HTTP status and the problem code the directory answered with.
        self.status = status
        self.problem = problem


class StatisticsUnreachable(StatisticsError):
    """Raised by the client when the directory cannot be reached or answers 5xx: retry later."""

    code = "statistics-unreachable"

    def __init__(self, message: Message | str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
