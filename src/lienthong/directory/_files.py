"""Writing files so that a reader, or a crash, never sees half of one; an uploaded CSV handed
to the registry (which reads files) as one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from lienthong._i18n import msg
from lienthong.directory._errors import DirectoryRequestInvalid


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


def apply_csv_upload(data: bytes, apply: Callable[[Path], int]) -> int:
    """Apply ``apply`` (``DirectoryRegistry.import_csv``, ``reorganize``) to ``data`` saved in a
    temporary CSV file: the admin API's uploads and the portal's take this one path."""
    if not data.strip():
        raise DirectoryRequestInvalid(msg("directory-csv-body-empty"))
    with tempfile.TemporaryDirectory(prefix="lienthong-csv-") as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(data)
        return apply(path)
