"""When to retry a request, and how long to wait: pure decisions shared by both clients."""

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


def retryable(method: str) -> tuple[type[Exception], ...]:
    """The transport failures after which a request with ``method`` may be sent again."""
    return TRANSIENT_ERRORS if method in ("GET", "HEAD") else UNSENT_ERRORS


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
            yield pick.uniform(0, min(self.cap, self.base * 2**n))


NO_RETRY = RetryPolicy(attempts=1)
