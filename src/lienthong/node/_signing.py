"""Signing and verifying a ``PackageSource``: in memory as before, as a stream from a file.

A package in a file goes through ``lienthong.trust``'s stream functions (bounded memory, same
results as ``sign_package`` / ``verify_package``); small ones stay on the in-memory functions,
which are faster on small bytes.
"""

from __future__ import annotations

import io
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lienthong.errors import TrustError, message_of
from lienthong.node._node import Node
from lienthong.node._package import CHUNK, PackageSource, Spool
from lienthong.trust import (
    HttpTimeStamper,
    SignatureStamper,
    Signer,
    VerificationReport,
    sign_package,
    sign_package_stream,
    verify_package,
    verify_package_stream,
)

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

_log = logging.getLogger("lienthong.node")
_STAMPERS: dict[str, HttpTimeStamper] = {}
_STAMPERS_LOCK = threading.Lock()


def verify_source(node: Node, source: PackageSource, *, at: datetime) -> VerificationReport:
    """The package's signature checked against the node's anchors and CRLs."""
    if source.data is not None:
        return verify_package(source.data, anchors=node.anchors, crls=node.crls, at=at)
    with source.open() as stream:
        return verify_package_stream(stream, anchors=node.anchors, crls=node.crls, at=at)


def sign_source(
    source: PackageSource, signer: Signer, *, directory: Path, timestamp: SignatureStamper | None = None
) -> PackageSource:
    """``source`` signed by ``signer``: bytes for bytes, a new spool under ``directory`` for a
    file (the caller discards both spools). With ``timestamp`` the signature is time-stamped
    (XAdES-T); when the service fails, the package is signed without (and a warning logged): it
    is valid now, only a delivery held past its signer's expiry needs the time-stamp."""
    try:
        return _sign(source, signer, directory=directory, timestamp=timestamp)
    except TrustError as exc:
        if timestamp is None:
            raise
        _log.warning("package signed without a time-stamp: %s", message_of(exc))
        return _sign(source, signer, directory=directory, timestamp=None)


def _sign(
    source: PackageSource, signer: Signer, *, directory: Path, timestamp: SignatureStamper | None
) -> PackageSource:
    if source.data is not None:
        return PackageSource.of_bytes(sign_package(source.data, signer, timestamp=timestamp))
    spool = Spool(directory, threshold=0)  # hashed as it is written: no second read
    try:
        with io.BufferedWriter(_SpoolWriter(spool), buffer_size=CHUNK) as target, source.open() as stream:
            sign_package_stream(stream, target, signer, timestamp=timestamp)
        return spool.finish()
    finally:
        spool.abort()  # nothing left to remove once finished


def network_timestamper(node: Node) -> SignatureStamper | None:
    """The time-stamp service the node's configuration names (one client per URL and process,
    its connections reused), or None when it names none."""
    url = node.configuration.content.timestamp_url
    if url is None:
        return None
    with _STAMPERS_LOCK:
        found = _STAMPERS.get(url)
        if found is None:
            found = _STAMPERS[url] = HttpTimeStamper(url)
        return found


class _SpoolWriter(io.RawIOBase):
    """A ``Spool`` as a writable raw stream (what the stream signer writes to)."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        chunk = bytes(data)
        self._spool.write(chunk)
        return len(chunk)
