"""``deploy/systemd/lienthong-node@.service``: ``systemd-analyze verify`` finds nothing wrong with
it, it keeps the sandboxing options the README promises, and ``systemd-analyze security`` rates
its exposure low (2.0 of 10 at most; "OK").

systemd checks that ``ExecStart``'s program exists: the unit is verified as installed here, with
``/opt/lienthong/bin/lienthong`` replaced by this machine's ``lienthong`` command, nothing else.
The checks are skipped only where ``systemd-analyze`` is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "deploy" / "systemd" / "lienthong-node@.service"
ANALYZE = "/usr/bin/systemd-analyze"
INSTALLED = "/opt/lienthong/bin/lienthong"

needs_systemd = pytest.mark.skipif(not Path(ANALYZE).exists(), reason="systemd-analyze is not installed")


def _here(tmp_path: Path) -> Path:
    command = shutil.which("lienthong") or str(Path(sys.executable).with_name("lienthong"))
    assert Path(command).exists(), "the lienthong command is not installed beside this Python"
    text = UNIT.read_text(encoding="utf-8")
    assert INSTALLED in text
    unit = tmp_path / UNIT.name
    unit.write_text(text.replace(INSTALLED, command), encoding="utf-8")
    return unit


def _settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_sandboxes_the_process_and_reloads_tls_on_hup() -> None:
    settings = _settings()
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["ReadWritePaths"] == ["/var/lib/lienthong/%i"]
    assert settings["CapabilityBoundingSet"] == [""]
    for flag in ("NoNewPrivileges", "PrivateTmp", "PrivateDevices", "ProtectHome"):
        assert settings[flag] == ["yes"], flag
    assert settings["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]
    assert "@system-service" in settings["SystemCallFilter"]
    assert settings["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert settings["Restart"] == ["on-failure"]


@needs_systemd
def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    checked = subprocess.run(
        [ANALYZE, "verify", str(_here(tmp_path))], capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == "", checked.stderr


@needs_systemd
def test_its_exposure_is_rated_low(tmp_path: Path) -> None:
    rated = subprocess.run(
        [ANALYZE, "security", "--offline=true", "--threshold=20", str(_here(tmp_path))],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert rated.returncode == 0, rated.stdout[-2000:] + rated.stderr
