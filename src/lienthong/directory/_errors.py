"""Errors of the directory, shaped by what the caller does next.

LienthongError
└── DirectoryError                 the directory cannot do or answer what was asked
    ├── DirectoryEntryUnknown      no such agency, node or certificate: check the name
    ├── DirectoryConflict          the change contradicts the registry: fix the request
    │   └── ConfigurationIncomplete  nothing published: the registry lacks CRLs the policy needs
    ├── DirectoryKeyError          a key, certificate, anchor or CRL file cannot be used
    ├── RouteRefused               no delivery to this code: do not retry as it is
    │   ├── CodeClosed             closed (or not yet open); ``successor`` names who took over
    │   └── NoServingNode          no node serves the code
    ├── SignerNotEntitled          this certificate may not sign for this code
    ├── ConfigurationRefused       a configuration failed verification; ``reason`` says how
    ├── ConfigurationExpired       the cached configuration has expired: refuse to route
    ├── ConfigurationMissing       a node holds no configuration yet: fetch one first
    ├── DirectoryUnreachable       the directory could not be reached or answered badly: retry later
    ├── DirectoryRequestInvalid    a request to the directory's API is malformed (HTTP 400)
    └── AccessDenied               an admin API call is not allowed
        ├── AuthenticationRequired no valid bearer token (HTTP 401)
        └── ScopeMissing           the admin lacks the scope the call needs (HTTP 403)
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from lienthong._i18n import Message
from lienthong.errors import DirectoryError

__all__ = [
    "AccessDenied",
    "AuthenticationRequired",
    "CodeClosed",
    "ConfigurationExpired",
    "ConfigurationIncomplete",
    "ConfigurationMissing",
    "ConfigurationRefused",
    "DirectoryConflict",
    "DirectoryEntryUnknown",
    "DirectoryError",
    "DirectoryKeyError",
    "DirectoryRequestInvalid",
    "DirectoryUnreachable",
    "NoServingNode",
    "RefusalReason",
    "RouteRefused",
    "ScopeMissing",
    "SignerNotEntitled",
]


class DirectoryEntryUnknown(DirectoryError):
    """Raised when an agency, node or certificate named in a request is not in the registry."""

    code = "directory-entry-unknown"


class DirectoryConflict(DirectoryError):
    """Raised when a change contradicts the registry (a code already open, a closed code reused)."""

    code = "directory-conflict"


class ConfigurationIncomplete(DirectoryConflict):
    """Raised when the registry lacks a current CRL of a CA whose revocation the policy requires
    (see ``lienthong.directory._revocation``): nothing is published, the last configuration stays."""

    code = "configuration-incomplete"

    def __init__(self, message: Message | str, *, issuers: tuple[str, ...]) -> None:
        super().__init__(message)
        #: The CAs (RFC 4514 names) without a current CRL.
        self.issuers = issuers


class DirectoryKeyError(DirectoryError):
    """Raised when a key, certificate, anchor or CRL file is unreadable or they do not match."""

    code = "directory-key"


class RouteRefused(DirectoryError):
    """Raised when a document cannot be routed to ``agency``; resending it unchanged cannot help."""

    code = "route-refused"

    def __init__(self, message: Message | str, *, agency: str, at: date, code: str | None = None) -> None:
        super().__init__(message, code=code)
        #: The code asked about.
        self.agency = agency
        #: The day the answer is for.
        self.at = at


class CodeClosed(RouteRefused):
    """Raised when the code is closed (or not yet open) that day; ``successor`` may name its heir."""

    code = "code-closed"

    def __init__(self, message: Message | str, *, agency: str, at: date, successor: str | None) -> None:
        super().__init__(message, agency=agency, at=at)
        #: The code that took over (the end of the successor chain), if any.
        self.successor = successor


class NoServingNode(RouteRefused):
    """Raised when no node serves the code or any unit above it."""

    code = "no-serving-node"


class SignerNotEntitled(DirectoryError):
    """Raised when a signing certificate is not bound to the code it signs for."""

    code = "signer-not-entitled"

    def __init__(self, message: Message | str, *, fingerprint: str, agency: str) -> None:
        super().__init__(message)
        self.fingerprint = fingerprint
        self.agency = agency


class RefusalReason(enum.Enum):
    """Why a network configuration was refused, in the order the checks run."""

    #: Not a configuration file at all, or its content is unreadable.
    MALFORMED = "malformed"
    #: Signed by a directory other than the anchor's.
    OTHER_DIRECTORY = "other-directory"
    #: The signature does not verify with the anchor's key: altered or forged.
    BAD_SIGNATURE = "bad-signature"
    #: Older than (or a delta not newer than) the configuration already held: a rollback.
    OLDER_VERSION = "older-version"
    #: A delta whose base is newer than the configuration held: fetch the full one.
    MISSING_BASE = "missing-base"
    #: Past its expiry time.
    EXPIRED = "expired"


class ConfigurationRefused(DirectoryError):
    """Raised when a network configuration fails verification; the cached one stays in use."""

    code = "configuration-refused"

    def __init__(self, message: Message | str, *, reason: RefusalReason) -> None:
        super().__init__(message, code=f"configuration-{reason.value}")
        self.reason = reason


class ConfigurationExpired(DirectoryError):
    """Raised when routing is asked of a configuration past its expiry: refresh it first."""

    code = "configuration-expired"

    def __init__(self, message: Message | str, *, expired_at: datetime) -> None:
        super().__init__(message)
        self.expired_at = expired_at


class ConfigurationMissing(DirectoryError):
    """Raised when a node is asked to route before it holds any configuration."""

    code = "configuration-missing"


class DirectoryUnreachable(DirectoryError):
    """Raised when the directory cannot be reached, or answers with an error instead of a
    configuration. Retry later; the cached configuration stays in use meanwhile."""

    code = "directory-unreachable"

    def __init__(self, message: Message | str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        #: The address asked.
        self.url = url
        #: The HTTP status, when the directory answered at all.
        self.status = status


class DirectoryRequestInvalid(DirectoryError):
    """Raised when a request to the directory's API is malformed (a version ahead of the
    directory's, a body that is not a CSV file)."""

    code = "request-invalid"


class RequestUnprocessable(DirectoryRequestInvalid):
    """Raised when a request is well formed but a value in it cannot be true (a statistics day
    in the future, a counter beyond any agency's day)."""

    code = "request-unprocessable"


class AccessDenied(DirectoryError):
    """Raised when an admin API call is not allowed."""

    code = "access-denied"


class AuthenticationRequired(AccessDenied):
    """Raised when an admin API call carries no bearer token, or one that matches no admin."""

    code = "authentication-required"


class ScopeMissing(AccessDenied):
    """Raised when the authenticated admin lacks the scope the call needs."""

    code = "scope-missing"

    def __init__(self, message: Message | str, *, admin: str, scope: str) -> None:
        super().__init__(message)
        self.admin = admin
        #: The scope the call needed.
        self.scope = scope
