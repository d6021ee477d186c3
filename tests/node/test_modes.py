"""A node home is its owner's only: `node init` (run with the usual umask 022) leaves every
folder 0700 and every file 0600, SQLite's -wal and -shm included; `node serve` refuses a home
whose database others can read, in one line naming the file, its mode and the chmod to run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from lienthong.directory import generate_directory_key
from lienthong.node import NodeHome
from support.pki import build_pki


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIENTHONG_LANG": "en"}
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, check=False, env=env, umask=0o022
    )


def modes(root: Path) -> dict[str, int]:
    """Every folder and file under ``root`` (itself included) → its permission bits."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(folder, name)
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def not_private(root: Path) -> dict[str, str]:
    return {
        name: f"{mode:o}"
        for name, mode in modes(root).items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }


def init_node(tmp_path: Path) -> Path:
    now = datetime.now(UTC)
    build_pki(tmp_path / "pki", at=now - timedelta(days=1))
    anchor = tmp_path / "anchor.json"
    anchor.write_text(generate_directory_key("d", not_before=now).anchor(directory="t").to_json())
    home = tmp_path / "home"
    done = _lienthong(
        "node", "init", "--home", str(home), "--name", "vpcp", "--anchor", str(anchor),
        "--pki", str(tmp_path / "pki"), "--agency", "000.00.00.G22", "--directory", "https://127.0.0.1:9",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return home


def test_node_init_leaves_every_folder_0700_and_every_file_0600(tmp_path: Path) -> None:
    home = init_node(tmp_path)
    assert {"node.db", "tls.key.pem", "signers/000.00.00.G22.key.pem"} <= set(modes(home))
    assert not_private(home) == {}
    assert not_private(tmp_path / "pki") == {}


def test_sqlite_log_files_made_later_are_0600_too(tmp_path: Path) -> None:
    home = init_node(tmp_path)
    previous = os.umask(0o022)
    try:
        database = NodeHome.load(home).open_database()
        try:
            with database.engine.begin() as connection:
                connection.execute(text("CREATE TABLE later (x INTEGER)"))
                assert {"node.db-wal", "node.db-shm"} <= set(modes(home))
                assert not_private(home) == {}
        finally:
            database.close()
    finally:
        os.umask(previous)


def test_node_serve_refuses_a_database_others_can_read_in_one_line(tmp_path: Path) -> None:
    home = init_node(tmp_path)
    database = home / "node.db"
    database.chmod(0o644)
    refused = _lienthong("node", "serve", "--home", str(home))
    assert refused.returncode == 1
    assert (
        refused.stderr
        == f"error: {database} has mode 644, open to group or others; run: chmod 600 {database}\n"
    )

    home.chmod(0o755)
    database.chmod(0o600)
    refused = _lienthong("node", "serve", "--home", str(home))
    assert refused.stderr == f"error: {home} has mode 755, open to group or others; run: chmod 700 {home}\n"


def test_allow_insecure_modes_lets_the_node_go_past_the_check(tmp_path: Path) -> None:
    home = init_node(tmp_path)
    (home / "tls.key.pem").chmod(0o640)
    assert "tls.key.pem has mode 640" in _lienthong("node", "serve", "--home", str(home)).stderr
    allowed = _lienthong("node", "serve", "--home", str(home), "--allow-insecure-modes", "--port", "0")
    # No configuration was ever fetched from the (absent) directory: the start fails later, on that.
    assert "open to group or others" not in allowed.stderr
    assert allowed.returncode == 1 and allowed.stderr.count("\n") == 1, allowed.stderr
