"""The directory's secrets are its owner's only: `config keygen` and `admins add` (run with the
usual umask 022) write 0600 files and a 0700 home; `directory serve` refuses a signing key or a
database others can read, in one line naming the file, its mode and the chmod to run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from support.pki import Tls


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIENTHONG_LANG": "en"}
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False, env=env, umask=0o022
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def not_private(root: Path) -> dict[str, str]:
    """Folders under ``root`` (itself included) not 0700, files not 0600."""
    found = {}
    for folder, folders, files in os.walk(root):
        for path in [Path(folder), *(Path(folder, name) for name in [*folders, *files])]:
            if mode(path) != (0o700 if path.is_dir() else 0o600):
                found[str(path.relative_to(root))] = f"{mode(path):o}"
    return found


def test_keygen_and_admins_add_leave_only_private_files(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    done = _lienthong(
        "directory", "config", "keygen", "--key", str(keys / "k.pem"), "--cert", str(keys / "c.pem"),
        "--anchor", str(keys / "anchor.json"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in keys.iterdir()) == ["anchor.json", "c.pem", "k.pem"]
    assert not_private(keys) == {}

    home = tmp_path / "directory-home"
    added = _lienthong("directory", "admins", "add", "alice", "--scope", "nodes:write", "--home", str(home))
    assert added.returncode == 0, added.stderr
    assert not_private(home) == {}
    assert (home / "admins.json").is_file()


def _serve(tmp_path: Path, tls: Tls, *extra: str) -> subprocess.CompletedProcess[str]:
    keys = tmp_path / "keys"
    return _lienthong(
        "directory", "serve", "--db", f"sqlite:///{tmp_path / 'd.db'}", "--home", str(tmp_path / "home"),
        "--key", str(keys / "k.pem"), "--cert", str(keys / "c.pem"), "--tls-cert", str(tls.server[0]),
        "--tls-key", str(tls.server[1]), "--port", "0", *extra,
    )  # fmt: skip


def test_directory_serve_refuses_a_signing_key_or_database_others_can_read(tmp_path: Path, tls: Tls) -> None:
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    keygen = ["directory", "config", "keygen", "--key", str(keys / "k.pem"), "--cert", str(keys / "c.pem")]
    assert _lienthong(*keygen).returncode == 0
    admin = ["directory", "admins", "add", "a", "--scope", "nodes:write", "--home", str(tmp_path / "home")]
    assert _lienthong(*admin).returncode == 0
    assert _lienthong("directory", "init", "--db", f"sqlite:///{tmp_path / 'd.db'}").returncode == 0

    key = keys / "k.pem"
    key.chmod(0o644)
    refused = _serve(tmp_path, tls)
    assert refused.returncode == 1
    assert refused.stderr == f"error: {key} has mode 644, open to group or others; run: chmod 600 {key}\n"

    key.chmod(0o600)
    database = tmp_path / "d.db"
    database.chmod(0o604)
    refused = _serve(tmp_path, tls)
    assert (
        refused.stderr
        == f"error: {database} has mode 604, open to group or others; run: chmod 600 {database}\n"
    )
