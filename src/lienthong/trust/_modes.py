"""Files holding secrets, kept to their owner: created so, and checked before a service starts.

Keys, databases (a node's holds VXP and webhook secrets in clear), token files and the homes
that hold them are the owner's only: directories 0700, files 0600. Creation runs under umask
077 (``private_files``), so every file a library writes on the way (SQLite's ``-wal`` and
``-shm`` included) is born private rather than fixed afterwards. ``check_private`` refuses a
start when group or others may use one of them, naming the file, its mode and the fix.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from lienthong._i18n import msg
from lienthong.trust._errors import InsecureFileMode

#: Permission bits of group and others.
_OTHERS = 0o077


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Within: what is created is its owner's only (umask 077, narrowing the one in force).

    The umask belongs to the process: use it around setup and commands, or once for good at a
    service's start, not around one thread's work while others create files they mean to share.
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def private_directory(path: Path) -> Path:
    """``path`` made if absent (with parents, all 0700), then set to 0700 if it was not."""
    with private_files():
        path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def check_private(paths: Iterable[Path]) -> None:
    """Refuse (``InsecureFileMode``) the first of ``paths`` group or others may read, write or
    enter; paths that do not exist are skipped (a ``-wal`` not made yet)."""
    for path in paths:
        try:
            found = os.stat(path)
        except FileNotFoundError:
            continue
        mode = stat.S_IMODE(found.st_mode)
        if mode & _OTHERS:
            wanted = "700" if stat.S_ISDIR(found.st_mode) else "600"
            raise InsecureFileMode(
                msg("trust-file-mode-open", path=str(path), mode=format(mode, "03o"), wanted=wanted),
                path=str(path),
                mode=mode,
            )
