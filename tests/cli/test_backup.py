"""`lienthong node backup` / `node restore` refuse in one line, exit 1, never a traceback: keys
asked for without a passphrase, a restore into a home that is not empty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LIENTHONG_BACKUP_PASSPHRASE"}
    env["LIENTHONG_LANG"] = "en"
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)


def test_keys_without_a_passphrase_and_a_restore_into_a_used_home_are_refused(tmp_path: Path) -> None:
    keys = _lienthong("node", "backup", "--home", str(tmp_path), "-o", str(tmp_path / "b"), "--include-keys")
    assert keys.returncode == 1 and "Traceback" not in keys.stderr
    (line,) = keys.stderr.strip().splitlines()
    assert "--include-keys needs a passphrase" in line and "LIENTHONG_BACKUP_PASSPHRASE" in line

    archive = tmp_path / "some.backup"
    archive.write_bytes(b"not read: the home is checked first")
    used = tmp_path / "used"
    used.mkdir()
    (used / "node.json").write_text("{}")
    restore = _lienthong("node", "restore", str(archive), "--home", str(used))
    assert restore.returncode == 1 and "Traceback" not in restore.stderr
    (line,) = restore.stderr.strip().splitlines()
    assert line == f"error: {used} is not empty: restore into a new, empty home"
