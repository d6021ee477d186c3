"""When to retry a request, and how long to wait: pure decisions shared by both clients.

A read (GET, HEAD), or a write the node treats as idempotent (acknowledging, sending the very
same package bytes: answered ``repeated``), is retried after any transport failure and after
502/503/504. Any other write is retried only when the request never reached the node (the
connection could not be made): once sent, a lost or 5xx answer may hide a write that happened,
and a repeated status would be refused as already sent; the caller gets ``ApiUnavailable``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

#: Answers worth retrying: the node or a proxy in front of it is momentarily unable to serve.
TRANSIENT_STATUSES = frozenset({502, 503, 504})
#: Failures worth retrying for a read: the request may not have reached the node, or its answer was lost.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (httpx.TransportError,)
#: Failures worth retrying for a write: the request never reached the node (a lost answer is not
#: retried, or a status sent twice would be refused as already sent).
UNSENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _repeatable(method: str, idempotent: bool) -> bool:
    return idempotent or method in ("GET", "HEAD")


def retryable(method: str, *, idempotent: bool = False) -> tuple[type[Exception], ...]:
    """The transport failures after which a request with ``method`` may be sent again."""
    return TRANSIENT_ERRORS if _repeatable(method, idempotent) else UNSENT_ERRORS


def wait_after(
    method: str,
    delays: Iterator[float],
    *,
    error: Exception | None = None,
    status: int | None = None,
    idempotent: bool = False,
) -> float | None:
    """How long to wait before sending a ``method`` request again after ``error`` or an answer
    ``status`` (502/503/504); None: do not (not worth it, or no retries left)."""
    if error is not None:
        worth = isinstance(error, retryable(method, idempotent=idempotent))
    else:
        worth = _repeatable(method, idempotent) and status in TRANSIENT_STATUSES
    return next(delays, None) if worth else None


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff with full jitter: attempt ``n`` waits up to ``base * 2**n`` (≤ ``cap``)."""

    attempts: int = 4
    base: float = 0.2
    cap: float = 5.0

    def delays(self, rand: random.Random | None = None) -> Iterator[float]:
        """The waits before each retry (``attempts - 1`` of them)."""
        pick = rand or random.Random()
        for n in range(max(0, self.attempts - 1)):
            yield self.delay(n, pick)

    def delay(self, n: int, rand: random.Random) -> float:
        """The wait before retry ``n`` (0 for the first)."""
        return rand.uniform(0, min(self.cap, self.base * 2 ** min(n, 62)))


NO_RETRY = RetryPolicy(attempts=1)
