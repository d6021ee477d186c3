"""`lienthong node init` from a network PKI home, and its errors: one line, exit 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lienthong.directory import generate_directory_key
from lienthong.node import NodeHome
from node.test_modes import init_node
from support.pki import build_pki


def _lienthong(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIENTHONG_LANG": "en"}
    command = [sys.executable, "-m", "lienthong.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, env=env)


def test_init_from_a_pki_home_then_refuses_a_second_init(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    build_pki(tmp_path / "pki", at=now - timedelta(days=1))
    anchor = tmp_path / "anchor.json"
    anchor.write_text(generate_directory_key("d", not_before=now).anchor(directory="t").to_json())
    home = tmp_path / "home"
    args = ["node", "init", "--home", str(home), "--name", "vpcp", "--anchor", str(anchor)]
    args += [
        "--pki",
        str(tmp_path / "pki"),
        "--agency",
        "000.00.00.G22",
        "--directory",
        "https://127.0.0.1:9",
    ]
    done = _lienthong(*args)
    assert done.returncode == 0, done.stderr
    settings = json.loads((home / "node.json").read_text())
    assert settings["name"] == "vpcp" and list(settings["signers"]) == ["000.00.00.G22"]
    loaded = NodeHome.load(home)
    assert loaded.signer().certificate is not None and loaded.key_path.stat().st_mode & 0o077 == 0
    again = _lienthong(*args)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already holds a node" in again.stderr
    missing = _lienthong("node", "serve", "--home", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def test_console_login_settings_are_read_from_node_json_and_kept(tmp_path: Path) -> None:
    home = init_node(tmp_path)
    settings = json.loads((home / "node.json").read_text())
    assert "console_login" not in settings
    settings["console_login"] = {"user_failures": 3, "lockout_minutes": 30}
    (home / "node.json").write_text(json.dumps(settings))
    loaded = NodeHome.load(home)
    assert loaded.console_login == {"user_failures": 3, "lockout_minutes": 30}
    assert json.loads(loaded.to_json())["console_login"] == {"user_failures": 3, "lockout_minutes": 30}


def test_serve_refuses_a_short_metrics_token_in_one_line(tmp_path: Path) -> None:
    token = tmp_path / "metrics-token"
    token.write_text("short\n", encoding="utf-8")
    token.chmod(0o600)
    result = _lienthong("node", "serve", "--home", str(tmp_path / "node"), "--metrics-token-file", str(token))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"error: --metrics-token-file: the metrics token in {token} needs 16 characters or more"
    )


def test_serve_refuses_a_metrics_token_others_can_read_in_one_line(tmp_path: Path) -> None:
    token = tmp_path / "metrics-token"
    token.write_text("a-long-enough-metrics-token\n", encoding="utf-8")
    token.chmod(0o644)
    result = _lienthong("node", "serve", "--home", str(tmp_path / "node"), "--metrics-token-file", str(token))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert str(token) in line and "chmod 600" in line, line
