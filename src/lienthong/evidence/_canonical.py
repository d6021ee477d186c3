"""Canonical JSON: the one byte form of every statement and log record that gets hashed or signed.

Keys sorted, no white space, UTF-8 without escaping, no floats. Producers write these bytes
once; verifiers hash and check the bytes they were given and never re-serialise them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
