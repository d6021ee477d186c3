"""``lienthong node doctor``: one line per check then a count, in the language asked for; exit 0
when nothing failed (warnings included), 1 when a check failed; a missing home is one line on
stderr, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lienthong.node import diagnose
from node.doctor_network import EXPIRING, HEALTHY, REVOKED, DoctorNetwork, doctor_network

__all__ = ["doctor_network"]  # the fixture


def _doctor(home: Path, *more: str, lang: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "LIENTHONG_LANG"}
    command = [
        sys.executable,
        "-m",
        "lienthong.cli",
        "--lang",
        lang,
        "node",
        "doctor",
        "--home",
        str(home),
        *more,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)


def test_a_healthy_node_exits_0_with_one_line_per_check(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,), nodes=("vpcp", "nghe-an"))
    done = _doctor(home.home, "--tsa", doctor_network.tsa_url, lang="en")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    checks = len(diagnose(home, timestamp_urls=[doctor_network.tsa_url]).findings)
    assert len(lines) == checks + 1 and all(line.startswith("OK  ") for line in lines[:-1])
    assert lines[-1] == f"{checks} OK, 0 WARN, 0 FAIL"
    assert any("peer nghe-an" in line and "reachable" in line for line in lines)
    assert any("OCSP service" in line for line in lines)
    assert any(line.startswith("OK") and "time-stamp service" in line for line in lines)


def test_a_warning_alone_exits_0_and_a_failure_exits_1_in_vietnamese(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    warned = doctor_network.home(tmp_path / "warned", (EXPIRING,), nodes=("vpcp",))
    done = _doctor(warned.home, lang="vi")
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(
        line.startswith("WARN") and "UBND Ninh Bình" in line and "còn" in line
        for line in done.stdout.splitlines()
    )
    failed = doctor_network.home(tmp_path / "failed", (REVOKED,), nodes=("vpcp", "bo-nganh"))
    done = _doctor(failed.home, lang="vi")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert any("đã bị thu hồi" in line for line in fails)
    assert any("không kết nối được điểm kết nối bo-nganh" in line for line in fails)
    assert "lỗi (FAIL)" in done.stdout.splitlines()[-1]


def test_a_missing_home_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = _doctor(tmp_path / "nowhere", lang="en")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
