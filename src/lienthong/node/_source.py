"""Where a serving node's configuration comes from: a signed file, or the directory.

``ConfigurationFile`` re-reads its file when it changes (size or modification time, looked at
once a second at most: every request asks for the configuration) and adopts what verifies
(signature, directory, validity, never a rollback); a refused file changes nothing. A file
signed by the next key the held configuration announced is adopted and that key pinned (``pin``).
``lienthong.directory.ConfigurationClient`` has the same ``configuration()`` and is refreshed
in its own thread. Either way a node keeps routing from the copy it holds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from lienthong._clock import Clock, utc_now
from lienthong._i18n import msg
from lienthong.directory import (
    Configuration,
    ConfigurationAnchor,
    ConfigurationMissing,
    ConfigurationRefused,
    pin_anchor,
    verify_configuration,
)
from lienthong.errors import message_of

_log = logging.getLogger("lienthong.node.configuration")


class ConfigurationSource(Protocol):
    def configuration(self) -> Configuration:
        """The configuration in use; raises ``ConfigurationMissing`` when none is held."""
        ...


class ConfigurationFile:
    """A signed configuration file, verified against ``anchor``, re-read when it changes; whether
    it changed is looked at ``recheck`` seconds after the last look at the earliest."""

    def __init__(
        self,
        path: Path,
        anchor: ConfigurationAnchor,
        *,
        clock: Clock = utc_now,
        recheck: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
        pin: Path | None = None,
    ) -> None:
        self.path = path
        self.anchor = anchor
        self.pin = pin
        self.recheck = recheck
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._current: Configuration | None = None
        self._next_look = 0.0
        self.configuration()  # the first read must succeed: raises otherwise

    def _stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def configuration(self) -> Configuration:
        current = self._current
        if current is not None and self._monotonic() < self._next_look:
            return current  # no stat() nor lock: asked for on every request by many threads
        with self._lock:
            now = self._monotonic()
            if self._current is None or now >= self._next_look:  # else looked at while we waited
                self._next_look = now + self.recheck
                stamp = self._stamp()
                if stamp is not None and stamp != self._seen:
                    self._seen = stamp
                    self._read()
            if self._current is None:
                raise ConfigurationMissing(msg("node-configuration-missing", path=str(self.path)))
            return self._current

    def _read(self) -> None:
        try:
            data = self.path.read_bytes()
            fetched = verify_configuration(data, self.anchor, at=self._clock(), current=self._current)
        except (OSError, ConfigurationRefused) as exc:
            if self._current is None:
                raise ConfigurationMissing(
                    msg("node-configuration-refused", path=str(self.path), reason=message_of(exc))
                ) from exc
            _log.warning(
                "configuration %s refused, keeping version %s: %s", self.path, self._current.version, exc
            )
            return
        if fetched.anchor.fingerprint != self.anchor.fingerprint:  # the announced key: the switch
            if self.pin is not None:
                pin_anchor(self.pin, fetched.anchor)
            _log.warning("configuration signing key switched to %s", fetched.anchor.fingerprint[:16])
            self.anchor = fetched.anchor
        if self._current is None or fetched.version != self._current.version:
            _log.info("configuration %s", fetched.summary())
        self._current = fetched
