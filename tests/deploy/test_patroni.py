"""``deploy/patroni/patroni.yml``: ``patroni --validate-config`` accepts it, with the passwords
in Patroni's environment as the file says they are kept, and its synchronous settings are the
ones that lose nothing acknowledged (a commit waits for a standby; no lagging standby promoted).

The validator checks that the listen port is free on this machine: here the suite's own
PostgreSQL holds 5432, so the check runs with ``PATRONI_POSTGRESQL_LISTEN`` on a free loopback
port (Patroni's own override of that one setting).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lienthong.demo import free_port

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "patroni" / "patroni.yml"
PATRONI = shutil.which("patroni") or "/usr/bin/patroni"


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATRONI_POSTGRESQL_LISTEN": f"127.0.0.1:{free_port()}",
        **{
            f"PATRONI_{user}_PASSWORD": "not-a-secret"
            for user in ("SUPERUSER", "REPLICATION", "REWIND", "RESTAPI")
        },
    }
    return subprocess.run(
        [PATRONI, "--validate-config", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(not Path(PATRONI).exists(), reason="patroni is not installed")
def test_patroni_accepts_the_example(tmp_path: Path) -> None:
    checked = _validate(CONFIG)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    broken = tmp_path / "patroni.yml"
    broken.write_text(CONFIG.read_text(encoding="utf-8").replace("ttl: 30", "ttl: thirty"), encoding="utf-8")
    assert _validate(broken).returncode != 0  # the validator does look


def test_nothing_acknowledged_is_lost_on_failover() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    settings = dict(
        line.strip().split(": ", 1)
        for line in text.splitlines()
        if ": " in line and not line.lstrip().startswith("#")
    )
    assert settings["synchronous_mode"] == "true"
    assert settings["synchronous_mode_strict"] == "true"
    assert settings["maximum_lag_on_failover"] == "0"
    assert settings["synchronous_commit"] == '"on"'
    assert "password:" not in text  # Patroni's environment holds them
