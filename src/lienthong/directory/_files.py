"""Writing files so that a reader, or a crash, never sees half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, rename it over ``path``
    and flush the directory entry: afterwards ``path`` holds either the old or the new bytes.

    Its owner's only unless ``mode`` says otherwise: what lands in a home (a node's cached
    configuration, the admins' tokens) stays as private as the home."""
    folder = path.parent if str(path.parent) else Path()
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
