"""The VXP SDK's wire conventions (EDXML.md §4): request authentication and ``hash-file``.

The node's VXP-compatible API and our Python client both stand on these; they hold no HTTP.
"""

from lienthong.vxp._hash_file import hash_file, hash_file_matches, hash_file_unpadded
from lienthong.vxp._signing import (
    PREFIX,
    ReplayGuard,
    VxpAuthError,
    VxpCaller,
    format_timestamp,
    parse_timestamp,
    sign_headers,
    verify_headers,
)

__all__ = [
    "PREFIX",
    "ReplayGuard",
    "VxpAuthError",
    "VxpCaller",
    "format_timestamp",
    "hash_file",
    "hash_file_matches",
    "hash_file_unpadded",
    "parse_timestamp",
    "sign_headers",
    "verify_headers",
]
