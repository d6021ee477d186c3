"""A ``lienthong demo`` process as the demo tests drive it: its output read line by line with
when each line came, and a stop that asks first (SIGINT) and kills only if it must."""

from __future__ import annotations

import select
import signal
import subprocess
import time


def read_until(process: subprocess.Popen[bytes], marker: str, *, timeout: float) -> list[tuple[float, str]]:
    """The lines ``process`` printed, each with when it came (``time.monotonic``), until one holds
    ``marker``, the deadline passes or the process ends."""
    assert process.stdout is not None
    lines: list[tuple[float, str]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if select.select([process.stdout], [], [], 0.5)[0]:
            line = process.stdout.readline().decode()
            lines.append((time.monotonic(), line))
            if marker in line:
                break
    return lines


def text(lines: list[tuple[float, str]]) -> str:
    return "".join(line for _, line in lines)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person stops the demo; killed after a minute without an end."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
