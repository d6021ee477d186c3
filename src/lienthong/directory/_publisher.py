"""``ConfigurationPublisher``: the signed configuration the directory serves, built once per version.

Reading the registry, encoding and signing run in a worker thread, never on the event loop. The
signed bytes are kept per (registry version, ``since``); a request for a version already signed
gets the same bytes, until half the validity has passed: then it is signed again, so a node that
refreshes always holds a configuration with at least half its validity ahead.

Nothing is signed while the registry lacks a CRL the revocation policy requires
(``ConfigurationIncomplete``, see ``_revocation``): the last full configuration signed stays the
one served, until it expires, and the refusal is logged at each attempt; with none to fall back
on (or for a delta), the request is answered with the error naming the CAs.

The key signing, and the next key announced, are ``SigningKeys``' of the moment: when an
operator announces or switches keys, what was signed before is dropped and signed again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from starlette.concurrency import run_in_threadpool

from lienthong._clock import Clock, utc_now
from lienthong._i18n import msg
from lienthong.directory._config import DEFAULT_VALIDITY, build_configuration
from lienthong.directory._errors import ConfigurationIncomplete, DirectoryRequestInvalid
from lienthong.directory._registry import DirectoryRegistry
from lienthong.directory._rollover import SigningKeys, SigningState
from lienthong.directory._signing import DirectoryKey

#: The media type of a signed configuration (``LTCONF/1``).
CONTENT_TYPE: Final = "application/vnd.lienthong.configuration"
#: Signed documents kept in memory (the full one, and deltas since recent versions).
_CACHE_SIZE: Final = 32


_log = logging.getLogger("lienthong.directory.publisher")


@dataclass(frozen=True, slots=True)
class SignedConfiguration:
    """One signed configuration document, as served."""

    version: int
    #: The version a delta is computed against; None for a full configuration.
    since: int | None
    issued_at: datetime
    expires_at: datetime
    data: bytes

    @property
    def etag(self) -> str:
        """A strong entity tag: the version and a digest of the exact bytes."""
        return f'"{self.version}-{hashlib.sha256(self.data).hexdigest()[:20]}"'


class ConfigurationPublisher:
    """Builds, signs and caches the configuration of one registry. One per server process."""

    def __init__(
        self,
        registry: DirectoryRegistry,
        key: DirectoryKey | SigningKeys,
        *,
        directory: str,
        valid_for: timedelta = DEFAULT_VALIDITY,
        clock: Clock = utc_now,
        timestamp_url: str | None = None,
    ) -> None:
        self._registry = registry
        self._timestamp_url = timestamp_url
        self._keys = key if isinstance(key, SigningKeys) else SigningKeys(key)
        self._directory = directory
        self._valid_for = valid_for
        self._clock = clock
        self._cache: OrderedDict[tuple[int, int | None], SignedConfiguration] = OrderedDict()
        self._lock: asyncio.Lock | None = None
        #: The last full configuration signed: served while a new one may not be.
        self._last_full: SignedConfiguration | None = None
        #: The keys' stamp what is cached was signed under.
        self._signed_under: tuple[int, int] | None = None

    def _fresh(self, key: tuple[int, int | None]) -> SignedConfiguration | None:
        found = self._cache.get(key)
        if found is None or self._clock() >= found.issued_at + self._valid_for / 2:
            return None
        self._cache.move_to_end(key)
        return found

    def _look(self) -> tuple[int, SigningState]:
        """The registry's version and the keys of the moment: blocking, run in a worker thread."""
        return self._registry.version(), self._keys.state()

    def _build(self, since: int | None, keys: SigningState) -> SignedConfiguration:
        """Read the registry and sign: blocking, run in a worker thread."""
        issued_at = self._clock()
        self._registry.require_crls(at=issued_at)
        snapshot = self._registry.snapshot(since=since)
        data = build_configuration(
            snapshot,
            keys.key,
            directory=self._directory,
            issued_at=issued_at,
            valid_for=self._valid_for,
            next_certificate=keys.next_certificate,
            timestamp_url=self._timestamp_url,
        )
        return SignedConfiguration(snapshot.version, since, issued_at, issued_at + self._valid_for, data)

    async def publish(self, *, since: int | None = None) -> SignedConfiguration:
        """The current configuration, full or (with ``since``) the changes after that version."""
        if since is not None and since < 0:
            raise DirectoryRequestInvalid(msg("directory-version-negative"))
        version, keys = await run_in_threadpool(self._look)
        if keys.stamp != self._signed_under:  # keys announced or switched: sign everything again
            self._cache.clear()
            self._signed_under = keys.stamp
        if since is not None and since > version:
            raise DirectoryRequestInvalid(msg("directory-version-ahead", since=since, version=version))
        found = self._fresh((version, since))
        if found is not None:
            return found
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # one signing at a time; the others then find it cached
            found = self._fresh((version, since))
            if found is not None:
                return found
            try:
                signed = await run_in_threadpool(self._build, since, keys)
            except ConfigurationIncomplete as exc:
                last = self._last_full
                if since is not None or last is None or self._clock() >= last.expires_at:
                    raise
                _log.error(
                    "%s (serving version %s, expires %s)", exc, last.version, last.expires_at.isoformat()
                )
                return last
            if since is None:
                self._last_full = signed
            self._cache[(signed.version, since)] = signed
            while len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
            return signed
