"""Checking webhook calls in the receiving application (the scheme: ``lienthong.net``'s
``sign_webhook``, which the node signs with).

>>> event = verify_webhook(secret, request.headers, await request.body())   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from pydantic import ValidationError

from lienthong._i18n import msg
from lienthong.client._errors import WebhookInvalid
from lienthong.client._models import Event
from lienthong.net import TOLERANCE, webhook_problem


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE,
) -> Event:
    """The event a webhook call carries; raises ``WebhookInvalid`` unless the node signed it
    with ``secret`` within ``tolerance`` seconds of ``now`` (default: this machine's clock)."""
    problem = webhook_problem(
        secret, headers, body, now=time.time() if now is None else now, tolerance=tolerance
    )
    if problem is not None:
        raise WebhookInvalid(problem)
    try:
        return Event.model_validate_json(body)
    except ValidationError as exc:
        raise WebhookInvalid(msg("client-webhook-not-event")) from exc
