"""``TokenCache``: bearer token → client (and VXP systemid → client, under ``vxp:``), held a few
seconds so that a request is authenticated without reading the database.

How soon a revoked token stops working:

- removed in this process (``remove_client``): at once, every cache of the process is emptied;
- removed by another process (``lienthong node clients remove`` while the node serves): within
  the cache's ``ttl`` (``ApiSettings.token_ttl``, 5 s by default) at most.

Only tokens found are held: an unknown token is looked up every time, so a client added
meanwhile works at once and a flood of wrong tokens fills nothing.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

from lienthong.store import ApiClientEntry

#: Tokens held at most per cache (one a client): beyond, the cache starts afresh.
_MAX_HELD = 4096

_registry_lock = threading.Lock()
_registry: weakref.WeakSet[TokenCache] = weakref.WeakSet()


class TokenCache:
    """Clients by token digest (``token_digest``), each held ``ttl`` seconds from its lookup;
    ``ttl`` 0 holds nothing."""

    def __init__(self, ttl: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[str, tuple[float, ApiClientEntry]] = {}
        # Bumped by ``clear``: a lookup that began before a removal must not store what it read.
        self._generation = 0
        with _registry_lock:
            _registry.add(self)

    @property
    def generation(self) -> int:
        """Read before looking a token up; hand it to ``put``."""
        return self._generation

    def get(self, digest: str) -> ApiClientEntry | None:
        """The client held for ``digest`` and not expired, if any."""
        held = self._held.get(digest)
        if held is None:
            return None
        if self._clock() >= held[0]:
            with self._lock:
                if self._held.get(digest) is held:
                    del self._held[digest]
            return None
        return held[1]

    def put(self, digest: str, client: ApiClientEntry, *, generation: int) -> None:
        """Hold ``client`` (looked up when the cache was at ``generation``), unless the cache was
        cleared since: the client may have been removed after it was read."""
        if self.ttl <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return
            if len(self._held) >= _MAX_HELD:
                self._held.clear()
            self._held[digest] = (self._clock() + self.ttl, client)

    def __len__(self) -> int:
        """Tokens held (an expired one until it is next asked for)."""
        return len(self._held)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._held.clear()


def forget_tokens() -> None:
    """Empty every token cache of this process (a client was removed or changed)."""
    with _registry_lock:
        caches = list(_registry)
    for cache in caches:
        cache.clear()
