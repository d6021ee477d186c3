"""Bounds on what a package may ask of the parser."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """How large a package may be before it is refused.

    Packages up to ``in_memory_bytes`` are parsed whole (fastest); larger ones stream, with
    attachment content decoded chunk by chunk into the sink and never held as base64 text.
    """

    #: The whole package, as received.
    max_package_bytes: int = 1 << 30
    #: One attachment after decoding (and after unwrapping a zip).
    max_attachment_bytes: int = 512 << 20
    #: Text outside attachments (a streamed package keeps it in its tree).
    max_text_bytes: int = 16 << 20
    #: Element nesting; libxml2 enforces the same bound (256) on packages parsed whole.
    max_depth: int = 256
    #: Number of attachments in one package.
    max_attachments: int = 1000
    #: Packages up to this size are parsed in one call; larger ones stream.
    in_memory_bytes: int = 8 << 20
    #: A zip-wrapped attachment is held in memory up to this size while it is unwrapped, then
    #: spills to an anonymous temporary file.
    zip_spool_bytes: int = 8 << 20
    #: An attachment whose zip expands more than this many times is refused as a zip bomb.
    max_zip_ratio: int = 200


DEFAULT_LIMITS = Limits()
