"""The VXP SDK's wire conventions (EDXML.md §4): request authentication and ``hash-file``.

The node's VXP-compatible API and our Python client both stand on these; they hold no HTTP
and no database (a node hands its shared replay memory down as a ``ReplayGuard``).
"""

from lienthong.vxp._hash_file import hash_file, hash_file_matches, hash_file_unpadded
from lienthong.vxp._replays import MemoryReplayGuard, ReplayGuard
from lienthong.vxp._signing import (
    PREFIX,
    WINDOW,
    VxpAuthError,
    VxpCaller,
    VxpSystem,
    format_timestamp,
    parse_timestamp,
    sign_headers,
    verify_headers,
)
from lienthong.vxp._zones import DEFAULT_ZONES, VIETNAM, parse_zone

__all__ = [
    "DEFAULT_ZONES",
    "PREFIX",
    "VIETNAM",
    "WINDOW",
    "MemoryReplayGuard",
    "ReplayGuard",
    "VxpAuthError",
    "VxpCaller",
    "VxpSystem",
    "format_timestamp",
    "hash_file",
    "hash_file_matches",
    "hash_file_unpadded",
    "parse_timestamp",
    "parse_zone",
    "sign_headers",
    "verify_headers",
]
