"""A serving node takes new certificates and keys without stopping: one mechanism, several parts.

``Watcher`` wakes on SIGHUP (``ask``) or when a part's files change (polled) and reloads that
part. ``FileReloader`` is a part: the files it reads, stamped before each read so that a file
still being written changes again and is retried; a refused load keeps what is in use, with a
log line, until the files change again. The parts:

- ``TlsReloader`` (here): the TLS certificate, chain and key, loaded into the node's live TLS
  contexts (peer listener, API listener, outgoing deliveries). Only new handshakes present it:
  connections already open, and deliveries on them, carry on with the old one.
- ``KeyReloader`` (``_key_reload``): the seal and the agency signers named in ``node.json``.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import os
import ssl
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from lienthong.net import reload_certificate

__all__ = ["FileReloader", "TlsReloader", "Watcher"]

_log = logging.getLogger("lienthong.node")
_Stamp = tuple[tuple[int, int, int], ...]


class FileReloader(abc.ABC):
    """Something a serving node loads from files and loads again when they change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen = self._stamp()

    @abc.abstractmethod
    def files(self) -> Sequence[Path]:
        """The files read now (a part may name other files after a reload)."""

    @abc.abstractmethod
    def _load(self) -> int | None:
        """Read and take the files; what was loaded (a serial), or None when refused (logged)."""

    def _stamp(self) -> _Stamp:
        stamps = []
        for path in self.files():
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
        """Load what the files hold now; the new serial, or None when it was refused."""
        with self._lock:
            # Stamped before reading: a file still being written changes again and is retried.
            named = list(self.files())
            self._seen = self._stamp()
            loaded = self._load()
            if list(self.files()) != named:  # the load named other files: those are the ones read
                self._seen = self._stamp()
            return loaded


class Watcher:
    """Reloads its parts when asked (all of them) and when their files change (those)."""

    def __init__(self, parts: Sequence[FileReloader]) -> None:
        self.parts = tuple(parts)
        self._asked = asyncio.Event()  # bound to no loop until waited on

    def ask(self) -> None:
        """Reload every part as soon as the watch loop wakes (a SIGHUP handler's call)."""
        self._asked.set()

    async def watch(self, interval: float, stop: asyncio.Event) -> None:
        """Until ``stop``: reload when asked, and when files changed (checked every ``interval``
        seconds; 0: only when asked)."""
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
                everything = self._asked.is_set()
                self._asked.clear()
                for part in self.parts:
                    if everything or part.changed():
                        await asyncio.to_thread(part.reload)
        finally:
            stopping.cancel()


class TlsReloader(FileReloader):
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
        renewed: Sequence[Callable[[], object]] = (),
    ) -> None:
        self._certificate, self._key, self._chain = certificate, key, tuple(chain)
        self._fullchain = fullchain
        #: Called after a new pair is loaded: clients that keep connections open make new ones.
        self._renewed = tuple(renewed)
        self._contexts = tuple(contexts)
        super().__init__()

    def files(self) -> tuple[Path, ...]:
        return (self._certificate, self._key, *self._chain)

    def _load(self) -> int | None:
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
