"""Large request bodies sent lazily, and the memory a serving process needed to refuse them.

``flood`` yields the same chunk again and again (nothing is built in memory), counting what
was taken from it; ``peak_growth`` measures a process's peak resident memory over a block
(Linux's ``VmHWM``, reset at the start through ``/proc/PID/clear_refs``) above its resident
memory before it (psutil).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

MiB = 1024 * 1024
#: What a refusal may cost the serving process at most: buffers, not the body.
BOUND = 20 * MiB


@dataclass
class Flood:
    """``total`` bytes in ``chunk``-sized pieces, optionally after a ``head`` and before a
    ``tail`` (multipart framing); ``sent`` is how much was taken."""

    total: int
    chunk: int = MiB
    head: bytes = b""
    tail: bytes = b""
    sent: int = 0
    _piece: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._piece = b"\0" * self.chunk

    def __iter__(self) -> Iterator[bytes]:
        if self.head:
            self.sent += len(self.head)
            yield self.head
        left = self.total
        while left > 0:
            piece = self._piece if left >= self.chunk else self._piece[:left]
            left -= len(piece)
            self.sent += len(piece)
            yield piece
        if self.tail:
            self.sent += len(self.tail)
            yield self.tail


@dataclass
class Growth:
    """Bytes the peak resident memory rose above the memory before the block."""

    bytes: int = 0


def _peak(pid: int) -> int:
    found = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert found is not None
    return int(found.group(1)) * 1024


@contextmanager
def peak_growth(pid: int) -> Iterator[Growth]:
    """How much more memory process ``pid`` held at its peak during the block than before it."""
    before = psutil.Process(pid).memory_info().rss
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    growth = Growth()
    try:
        yield growth
    finally:
        growth.bytes = _peak(pid) - before


def request_flood(
    client: httpx.Client, method: str, url: str, flood: Flood, headers: dict[str, str]
) -> httpx.Response | None:
    """``flood`` sent streamed; None when the server closed the connection before answering."""
    try:
        return client.request(method, url, content=iter(flood), headers=headers)
    except (httpx.WriteError, httpx.ReadError, httpx.RemoteProtocolError):
        return None


def post_flood(
    client: httpx.Client, url: str, flood: Flood, headers: dict[str, str]
) -> httpx.Response | None:
    return request_flood(client, "POST", url, flood, headers)
