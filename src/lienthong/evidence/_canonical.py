"""Canonical JSON: the one byte form of every statement and log record that gets hashed or signed.

Keys sorted, no white space, UTF-8 without escaping, no floats. Producers write these bytes
once; verifiers hash and check the bytes they were given and never re-serialise them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from lienthong._i18n import Message


def canonical_json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump_message(message: Message | str) -> str:
    """What is stored or logged of ``message``: its code and parameters as canonical JSON
    (``Message.to_json``), rendered by whoever reads it; a plain text as it is."""
    if isinstance(message, Message):
        return canonical_json(message.to_json()).decode("utf-8")
    return message


def load_message(text: str | None) -> Message | str | None:
    """What ``dump_message`` stored: a ``Message`` when ``text`` is one's JSON, else the text
    itself (a sentence written before messages were data, shown as it is); ``None`` for none."""
    if not text:
        return None
    if text.startswith('{"code":'):
        try:
            data = json.loads(text)
            if isinstance(data, dict) and set(data) == {"code", "params"}:
                return Message.from_json(data)
        except ValueError:
            pass
    return text
