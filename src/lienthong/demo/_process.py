"""Child ``lienthong`` processes (a directory, a node) started on loopback: the demo, the
tests and the benchmarks all start them the same way, read the URLs they print, and stop them.
"""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lienthong._i18n import msg
from lienthong.errors import NodeError

__all__ = ["Process", "free_port", "wait_for"]

T = TypeVar("T")

_URL = re.compile(r"https://[0-9.]+:[0-9]+")


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now (the kernel's pick for port 0), released for a process to bind."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """A child ``lienthong`` process and the URLs it printed on start."""

    name: str
    command: list[str]
    log: Path
    urls: list[str] = field(default_factory=list)
    popen: subprocess.Popen[bytes] | None = None

    def start(self, *, lines: int, timeout: float = 60.0) -> list[str]:
        env = {**os.environ, "LIENTHONG_LANG": "en"}
        with self.log.open("ab") as log:
            # Unbuffered: a buffered reader would swallow the second line where select() cannot see it.
            self.popen = subprocess.Popen(
                self.command, stdout=subprocess.PIPE, stderr=log, env=env, bufsize=0
            )
        assert self.popen.stdout is not None
        deadline = time.monotonic() + timeout
        while len(self.urls) < lines and time.monotonic() < deadline and self.popen.poll() is None:
            ready, _, _ = select.select([self.popen.stdout], [], [], 0.5)
            if ready:
                found = _URL.search(self.popen.stdout.readline().decode(errors="replace"))
                if found:
                    self.urls.append(found.group(0))
        if len(self.urls) < lines:
            self.stop()
            tail = self.log.read_text(encoding="utf-8", errors="replace")[-600:]
            raise NodeError(msg("demo-process-did-not-start", name=self.name, log=tail))
        return self.urls

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self) -> None:
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        if self.popen.stdout is not None:
            self.popen.stdout.close()
        self.popen = None

    def kill(self) -> None:
        """``kill -9``: no goodbye, no flushing, whatever it was doing."""
        if self.alive():
            assert self.popen is not None
            self.popen.kill()
        self.stop()


def wait_for(probe: Callable[[], T], *, timeout: float = 60.0, every: float = 0.1) -> T:
    """``probe()`` until it is truthy or the deadline passes; returns its last value."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not value and time.monotonic() < deadline:
        time.sleep(every)
        value = probe()
    return value
