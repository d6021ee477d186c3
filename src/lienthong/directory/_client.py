"""``ConfigurationClient``: a node's copy of the network configuration, kept fresh and on disk.

Bootstrapped from a configuration anchor (the directory's URL and signing certificate). Each
``refresh`` fetches ``GET /v1/config`` over HTTPS (``If-None-Match``: unchanged costs a 304),
verifies signature, directory and version (never a rollback), saves it atomically in the cache
file and only then uses it. A refused or unreachable fetch changes nothing: the node keeps
routing from the configuration it holds, until that one expires (``ConfigurationExpired``).
``start`` refreshes in a background thread (``lienthong._loop``), with exponential backoff and
jitter after failures.

A configuration signed by the next key the held one announced is adopted, and that key pinned
(``pin``, written before the cache: a crash between the two leaves a cache the pinned key
refuses, and the next refresh fetches again): the previous key is refused from then on.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from lienthong._clock import Clock, utc_now
from lienthong._i18n import Message, language, msg, render
from lienthong._loop import BackgroundLoop, Backoff, Round
from lienthong.codes import AgencyCode
from lienthong.directory._config import (
    Configuration,
    reopen_configuration,
    verify_configuration,
)
from lienthong.directory._errors import (
    ConfigurationMissing,
    ConfigurationRefused,
    DirectoryKeyError,
    DirectoryUnreachable,
    RefusalReason,
)
from lienthong.directory._files import write_atomically
from lienthong.directory._network import Route
from lienthong.directory._rollover import pin_anchor
from lienthong.directory._signing import ConfigurationAnchor
from lienthong.store import NodeEntry

if TYPE_CHECKING:  # contexts are built by lienthong.net.client_context only
    from ssl import SSLContext

_log = logging.getLogger("lienthong.directory.client")


class RefreshState(enum.Enum):
    """What one refresh did."""

    #: A newer (or re-signed) configuration was verified, saved and is now in use.
    UPDATED = "updated"
    #: The directory has nothing newer (304).
    UNCHANGED = "unchanged"
    #: The configuration fetched was refused; the one held stays in use.
    REFUSED = "refused"
    #: The directory could not be reached or answered with an error; the one held stays in use.
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    state: RefreshState
    #: The version in use after the refresh (None: none held).
    version: int | None
    #: Why the configuration fetched was refused (state REFUSED).
    reason: RefusalReason | None = None
    #: What went wrong (states REFUSED and UNREACHABLE), as data.
    message: Message | str = ""

    def summary(self) -> str:
        """One line for logs, in the process's language."""
        reason = f" reason={self.reason.value}" if self.reason else ""
        text = render(self.message, language())
        return f"refresh={self.state.value} version={self.version}{reason} {text}".rstrip()


def fetch_configuration(
    url: str,
    anchor: ConfigurationAnchor,
    *,
    tls: SSLContext,
    at: datetime,
    current: Configuration | None = None,
    timeout: float = 30.0,
) -> Configuration:
    """Fetch the full configuration at ``url`` once and verify it (``config fetch``)."""
    with httpx.Client(verify=tls, http2=True, timeout=timeout) as http:
        data, _ = _get(http, url, etag=None)
    if data is None:  # 304 to a request without If-None-Match: not a directory
        raise DirectoryUnreachable(msg("directory-unexpected-304"), url=url)
    return verify_configuration(data, anchor, at=at, current=current)


def _get(http: httpx.Client, url: str, *, etag: str | None) -> tuple[bytes | None, str | None]:
    """The configuration's bytes and ETag (None, None on 304). httpx errors end here."""
    endpoint = url.rstrip("/") + "/v1/config"
    try:
        response = http.get(endpoint, headers={"If-None-Match": etag} if etag else None)
    except httpx.HTTPError as exc:
        reason = f"{type(exc).__name__}: {exc}"
        raise DirectoryUnreachable(
            msg("directory-unreachable-at", url=endpoint, reason=reason),
            url=endpoint,
        ) from exc
    if response.status_code == 304:
        return None, etag
    if response.status_code != 200:
        raise DirectoryUnreachable(
            msg("directory-answered-http", status=response.status_code, body=response.text[:200]),
            url=endpoint,
            status=response.status_code,
        )
    return response.content, response.headers.get("etag")


class ConfigurationClient:
    """A node's network configuration: loaded from its cache, refreshed from the directory."""

    def __init__(
        self,
        anchor: ConfigurationAnchor,
        *,
        cache: Path,
        tls: SSLContext,
        url: str | None = None,
        clock: Clock = utc_now,
        interval: timedelta = timedelta(minutes=5),
        max_backoff: timedelta = timedelta(minutes=15),
        timeout: float = 30.0,
        on_refresh: Callable[[RefreshOutcome], None] | None = None,
        pin: Path | None = None,
    ) -> None:
        """``pin``: where to keep the anchor of a key the directory switched to (see
        ``lienthong.directory.load_pinned_anchor``); without it, the switch lasts this process."""
        directory_url = url or anchor.url
        if not directory_url:
            raise DirectoryKeyError(msg("directory-anchor-url-missing"))
        self.anchor = anchor
        self.url = directory_url
        self.cache = cache
        self.pin = pin
        self._clock = clock
        self._on_refresh = on_refresh
        self._tls, self._timeout = tls, timeout
        self._refreshing = threading.Lock()
        self._loop = BackgroundLoop(
            "configuration refresh",
            self._round,
            log=_log,
            interval=interval.total_seconds(),
            backoff=Backoff(base=interval, cap=max_backoff),
            thread="lienthong-config-refresh",
        )
        self._etag: str | None = None
        self._current: Configuration | None = self._load_cache()

    # -- the configuration held ----------------------------------------------------------------

    def _load_cache(self) -> Configuration | None:
        try:
            data = self.cache.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return reopen_configuration(data, self.anchor)
        except ConfigurationRefused as exc:
            refused = exc
        # Another process of this node may have switched keys between our reading the anchor
        # and the cache: it pins before it writes the cache, so the pin is there now.
        if self.pin is not None and self.pin.exists():
            pinned = ConfigurationAnchor.load(self.pin)
            if pinned.fingerprint != self.anchor.fingerprint:
                try:
                    held = reopen_configuration(data, pinned)
                except ConfigurationRefused:
                    pass
                else:
                    self.anchor = pinned
                    return held
        _log.warning("cached configuration %s ignored: %s", self.cache, refused)
        return None

    @property
    def current(self) -> Configuration | None:
        """The configuration in use (possibly expired); None before the first success."""
        return self._current

    def configuration(self) -> Configuration:
        """The configuration in use; raises ``ConfigurationMissing`` when none is held yet."""
        held = self._current
        if held is None:
            raise ConfigurationMissing(msg("directory-configuration-missing"))
        return held

    def route(self, code: AgencyCode | str, *, at: datetime | None = None) -> Route:
        """Where a document for ``code`` goes; ``ConfigurationExpired`` once the copy has expired."""
        return self.configuration().route(code, at=at or self._clock())

    def node_for(self, code: AgencyCode | str, *, at: datetime | None = None) -> NodeEntry:
        return self.configuration().node_for(code, at=at or self._clock())

    def check_signer(self, fingerprint: str, code: AgencyCode | str, *, at: datetime | None = None) -> None:
        self.configuration().check_signer(fingerprint, code, at=at or self._clock())

    # -- refreshing ----------------------------------------------------------------------------

    def refresh(self) -> RefreshOutcome:
        """Fetch, verify and adopt the directory's configuration once. Never raises for the
        directory's faults: the outcome says what happened, and the held copy stays otherwise."""
        with self._refreshing:
            outcome = self._refresh()
        log = _log.info if outcome.state in (RefreshState.UPDATED, RefreshState.UNCHANGED) else _log.warning
        log("%s", outcome.summary())
        if self._on_refresh is not None:
            self._on_refresh(outcome)
        return outcome

    def _refresh(self) -> RefreshOutcome:
        held = self._current
        version = None if held is None else held.version
        try:
            # A connection per refresh: minutes apart, an idle one held open helps no one.
            with httpx.Client(verify=self._tls, http2=True, timeout=self._timeout) as http:
                data, etag = _get(http, self.url, etag=self._etag if held is not None else None)
        except DirectoryUnreachable as exc:
            return RefreshOutcome(RefreshState.UNREACHABLE, version, message=exc.message)
        if data is None:
            return RefreshOutcome(RefreshState.UNCHANGED, version)
        try:
            fetched = verify_configuration(data, self.anchor, at=self._clock(), current=held)
            if fetched.content.kind != "full":
                raise ConfigurationRefused(
                    msg("directory-configuration-not-full"),
                    reason=RefusalReason.MALFORMED,
                )
        except ConfigurationRefused as exc:
            return RefreshOutcome(RefreshState.REFUSED, version, reason=exc.reason, message=exc.message)
        if fetched.anchor.fingerprint != self.anchor.fingerprint:  # the announced key: the switch
            if self.pin is not None:
                pin_anchor(self.pin, fetched.anchor)
            _log.warning(
                "configuration signing key switched from %s to %s (pinned in %s)",
                self.anchor.fingerprint[:16],
                fetched.anchor.fingerprint[:16],
                self.pin,
            )
            self.anchor = fetched.anchor
        write_atomically(self.cache, data)
        self._current, self._etag = fetched, etag
        return RefreshOutcome(RefreshState.UPDATED, fetched.version)

    def _round(self) -> Round:
        # A full disk, say, raises: the loop logs it and backs off as for a refused fetch.
        outcome = self.refresh()
        return Round.IDLE if outcome.state in (RefreshState.UPDATED, RefreshState.UNCHANGED) else Round.FAILED

    def start(self) -> None:
        """Refresh now and then every ``interval`` in a background thread, until ``stop``."""
        self._loop.start()

    def stop(self) -> None:
        """Stop the background refresh, waiting for a fetch in progress to end."""
        self._loop.stop(timeout=60)

    def close(self) -> None:
        """Stop refreshing (the same as ``stop``: a client holds no connection between fetches)."""
        self.stop()

    def __enter__(self) -> ConfigurationClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
