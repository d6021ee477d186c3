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


def test_init_with_a_seal_key_apart_from_the_tls_key(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    pki = build_pki(tmp_path / "pki", at=now - timedelta(days=1), nodes=("vpcp-seal",))
    seal = pki.issued("vpcp-seal")
    anchor = tmp_path / "anchor.json"
    anchor.write_text(generate_directory_key("d", not_before=now).anchor(directory="t").to_json())
    home = tmp_path / "home"
    args = ["node", "init", "--home", str(home), "--name", "vpcp", "--anchor", str(anchor)]
    args += ["--pki", str(tmp_path / "pki"), "--directory", "https://127.0.0.1:9"]
    half = _lienthong(*args, "--seal-key", str(seal.key_path))
    assert half.returncode == 1 and half.stderr.count("\n") == 1 and "--seal-cert" in half.stderr
    done = _lienthong(*args, "--seal-key", str(seal.key_path), "--seal-cert", str(seal.cert_path))
    assert done.returncode == 0, done.stderr
    settings = json.loads((home / "node.json").read_text())
    assert settings["seal"] == {"key": "seal.key.pem", "certificate": "seal.pem", "chain": []}
    loaded = NodeHome.load(home)
    assert loaded.seal_signer().certificate == seal.certificate
    assert loaded.signer().certificate != seal.certificate  # TLS stays its own
    assert home / "seal.key.pem" in loaded.secret_paths()
    assert (home / "seal.key.pem").stat().st_mode & 0o077 == 0
    assert json.loads(loaded.to_json())["seal"] == settings["seal"]


def test_a_home_without_a_seal_seals_with_its_tls_key_and_a_token_seal_is_kept_as_named(
    tmp_path: Path,
) -> None:
    home = init_node(tmp_path)
    loaded = NodeHome.load(home)
    assert "seal" not in json.loads(loaded.to_json())  # an existing home's node.json is unchanged
    assert loaded.seal_signer().certificate == loaded.signer().certificate
    settings = json.loads((home / "node.json").read_text())
    uri = "pkcs11:token=seal;object=vpcp?pin-source=file:/run/pin"
    settings["seal"] = {"key": uri, "certificate": "tls.pem"}
    (home / "node.json").write_text(json.dumps(settings))
    token_sealed = NodeHome.load(home)
    assert token_sealed.seal_key == uri and token_sealed.seal_certificate_path == home / "tls.pem"
    assert json.loads(token_sealed.to_json())["seal"]["key"] == uri
