"""Errors of the evidence formats.

    LienthongError
    └── EvidenceError            a receipt, a log head or an evidence bundle cannot be trusted
        ├── StatementInvalid     a signed statement is unreadable or its signature does not verify
        └── BundleInvalid        an evidence bundle is unreadable (not a zip, no manifest)

A bundle that reads but proves nothing is not an error: ``verify_bundle`` returns a report
naming every fact that does not hold.
"""

from __future__ import annotations

from lienthong.errors import EvidenceError

__all__ = [
    "BundleInvalid",
    "EvidenceError",
    "StatementInvalid",
]


class StatementInvalid(EvidenceError):
    """Raised when a signed statement (receipt, log head) is malformed or its signature fails."""

    code = "statement-invalid"


class BundleInvalid(EvidenceError):
    """Raised when an evidence bundle cannot even be read: not a zip, no manifest."""

    code = "bundle-invalid"
