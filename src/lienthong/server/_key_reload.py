"""``KeyReloader``: a serving node takes a renewed seal or agency signer without stopping.

A part of the ``Watcher`` beside ``TlsReloader``: when ``node.json``, a signer's certificate or
key file, or the chain changes (``node certs install``, new files moved in place, a token key's
new certificate), or on SIGHUP, ``NodeRuntime.rekey`` loads them all again. Packages submitted
from then on are signed with the new signers, receipts, log heads and statistics reports sealed
with the new seal; a document being signed as they change finishes with the old ones. A signer
that does not load (a key that is not its certificate's, a token that refuses) keeps every
signer in use, with a log line, until the files change again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from lienthong.errors import LienthongError, message_of
from lienthong.node import NodeRuntime
from lienthong.server._tls_reload import FileReloader

__all__ = ["KeyReloader"]

_log = logging.getLogger("lienthong.node")


class KeyReloader(FileReloader):
    """Reloads the seal and the agency signers of ``runtime`` from its home."""

    def __init__(self, runtime: NodeRuntime) -> None:
        self._runtime = runtime
        super().__init__()

    def files(self) -> list[Path]:
        return self._runtime.home.signing_files()

    def _load(self) -> int | None:
        try:
            node = self._runtime.rekey()
        except (LienthongError, OSError, ValueError, KeyError, TypeError) as exc:
            _log.error("signing keys refused, the ones in use are kept: %s", message_of(exc))
            return None
        signers = " ".join(
            f"{code}={signer.certificate.serial_number:x}" for code, signer in sorted(node.signers.items())
        )
        serial = node.key.certificate.serial_number
        _log.info("signing keys loaded: seal serial=%x, signers %s", serial, signers or "-")
        return serial
