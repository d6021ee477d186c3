"""The webhook signature scheme: the node signs each call, the receiving application checks it.

Scheme (version ``v1``): the node POSTs the event as JSON with the headers

- ``Lienthong-Event-Id``: the event id (as in ``/api/v1/events``), ``Lienthong-Event-Type`` its type,
- ``Lienthong-Timestamp``: Unix seconds when this attempt was signed,
- ``Lienthong-Signature``: ``v1=`` + hex ``HMAC-SHA256(secret, f"{timestamp}.{body}")``, the
  body as the exact bytes received.

The receiver recomputes the HMAC over the raw body with the secret the node gave it, compares
in constant time, and refuses timestamps too far from its clock (a captured call replayed later
fails). Each attempt is signed anew; the event id stays, so a receiver can ignore repeats.
It lives here, below both, so the node (``lienthong.api``) and the SDK (``lienthong.client``)
share one definition.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Final

from lienthong._i18n import Message, msg

EVENT_ID_HEADER: Final = "Lienthong-Event-Id"
EVENT_TYPE_HEADER: Final = "Lienthong-Event-Type"
TIMESTAMP_HEADER: Final = "Lienthong-Timestamp"
SIGNATURE_HEADER: Final = "Lienthong-Signature"
_VERSION: Final = "v1="
#: Seconds a signed call stays acceptable either side of the receiver's clock.
TOLERANCE: Final = 300


def _mac(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign_webhook(
    secret: str, body: bytes, *, event_id: int, event_type: str, timestamp: int
) -> dict[str, str]:
    """The headers that sign ``body`` (the node's side)."""
    stamp = str(timestamp)
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: str(event_id),
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: _VERSION + _mac(secret, stamp, body),
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def webhook_problem(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: float, tolerance: int = TOLERANCE
) -> Message | None:
    """None when the node signed ``body`` with ``secret`` within ``tolerance`` seconds of
    ``now``; otherwise what does not hold, as a message."""
    stamp = _header(headers, TIMESTAMP_HEADER)
    if stamp is None:
        return msg("net-webhook-header-missing", header=TIMESTAMP_HEADER)
    signature = _header(headers, SIGNATURE_HEADER)
    if signature is None:
        return msg("net-webhook-header-missing", header=SIGNATURE_HEADER)
    if not stamp.isdigit():
        return msg("net-webhook-timestamp-invalid")
    if abs(now - int(stamp)) > tolerance:
        return msg("net-webhook-timestamp-stale", tolerance=tolerance)
    expected = _VERSION + _mac(secret, stamp, body)
    if not hmac.compare_digest(expected.encode("ascii"), signature.strip().encode("ascii", "replace")):
        return msg("net-webhook-signature-mismatch")
    return None
