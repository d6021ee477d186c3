"""``hash-file``: the SHA-256 of an uploaded package as the VXP SDK writes it.

The SDK turns each byte into hex with Java's ``Integer.toHexString`` and so drops the leading
zero of bytes under 0x10: ``0a`` becomes ``a``. A server must accept that form, and the
ordinary zero-padded one that other clients send.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["hash_file", "hash_file_matches", "hash_file_unpadded"]


def hash_file(data: bytes) -> str:
    """The ordinary form: 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def hash_file_unpadded(data: bytes) -> str:
    """The SDK's form: each byte in hex without its leading zero."""
    return "".join(format(byte, "x") for byte in hashlib.sha256(data).digest())


def hash_file_matches(data: bytes, claimed: str) -> bool:
    """Whether ``claimed`` is the SHA-256 of ``data`` in either form (case-insensitive)."""
    digest = hashlib.sha256(data).digest()
    text = claimed.strip().lower().encode("ascii", "replace")
    padded = digest.hex().encode()
    unpadded = "".join(format(byte, "x") for byte in digest).encode()
    # Both compared, in constant time, whatever the first answer.
    return hmac.compare_digest(text, padded) | hmac.compare_digest(text, unpadded)
