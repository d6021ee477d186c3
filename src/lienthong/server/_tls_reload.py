"""``TlsReloader``: a serving node takes a new TLS certificate without stopping.

On SIGHUP, or when the certificate, chain or key files change (polled), the pair is checked and
loaded into the node's live TLS contexts (peer listener, API listener, outgoing deliveries).
Only new handshakes present it: connections already open, and deliveries on them, carry on with
the old one. A bad pair (a key that is not the certificate's, a half-written file) is refused
with a log line and the certificate in use is kept; the next change of the files tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from lienthong.net import reload_certificate

__all__ = ["TlsReloader"]

_log = logging.getLogger("lienthong.node")
_Stamp = tuple[tuple[int, int, int], ...]


class TlsReloader:
    """Reloads ``certificate`` (with its ``chain``) and ``key`` into ``contexts``; ``fullchain``
    is the file the contexts were loaded from, replaced only once a new pair is accepted."""

    def __init__(
        self,
        *,
        certificate: Path,
        key: Path,
        chain: Sequence[Path] = (),
        fullchain: Path,
        contexts: Sequence[ssl.SSLContext],
        renewed: Sequence[Callable[[], None]] = (),
    ) -> None:
        self._certificate, self._key, self._chain = certificate, key, tuple(chain)
        self._fullchain = fullchain
        #: Called after a new pair is loaded: clients that keep connections open make new ones.
        self._renewed = tuple(renewed)
        self._contexts = tuple(contexts)
        self._lock = threading.Lock()
        self._seen = self._stamp()
        self._asked = asyncio.Event()  # bound to no loop until waited on

    def _files(self) -> tuple[Path, ...]:
        return (self._certificate, self._key, *self._chain)

    def _stamp(self) -> _Stamp:
        stamps = []
        for path in self._files():
            try:
                stat = path.stat()
            except OSError:
                stamps.append((-1, -1, -1))
            else:
                stamps.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
        return tuple(stamps)

    def changed(self) -> bool:
        """Whether the files differ from when they were last read."""
        return self._stamp() != self._seen

    def reload(self) -> int | None:
        """Check and load the pair on disk now; the new serial, or None when it was refused."""
        with self._lock:
            # Stamped before reading: a file still being written changes again and is retried.
            self._seen = self._stamp()
            candidate = self._fullchain.with_name(self._fullchain.name + ".new")
            try:
                parts = [path.read_bytes() for path in (self._certificate, *self._chain)]
                candidate.write_bytes(b"".join(p if p.endswith(b"\n") else p + b"\n" for p in parts))
                serial = reload_certificate(self._contexts, certificate=candidate, key=self._key)
            except (OSError, ValueError) as exc:
                _log.error("tls certificate refused, the one in use is kept: %s", exc)
                with contextlib.suppress(OSError):
                    candidate.unlink()
                return None
            os.replace(candidate, self._fullchain)  # what a later context of this process loads
            for renew in self._renewed:
                renew()
            _log.info("tls certificate serial=%x loaded: new connections present it", serial)
            return serial

    def ask(self) -> None:
        """Reload as soon as the watch loop wakes (a SIGHUP handler's call, on the loop's thread)."""
        self._asked.set()

    async def watch(self, interval: float, stop: asyncio.Event) -> None:
        """Until ``stop``: reload when asked, and when the files changed (checked every
        ``interval`` seconds; 0: only when asked)."""
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                asked = asyncio.ensure_future(self._asked.wait())
                await asyncio.wait(
                    [stopping, asked], timeout=interval or None, return_when=asyncio.FIRST_COMPLETED
                )
                asked.cancel()
                if stop.is_set():
                    return
                if self._asked.is_set() or self.changed():
                    self._asked.clear()
                    await asyncio.to_thread(self.reload)
        finally:
            stopping.cancel()
