"""`lienthong demo` end to end: a directory and three node processes over real mTLS, twenty
documents sent through node A's REST API with the SDK, delivered to B and listed by B's API,
statuses walked back; and the network.json it leaves behind, with every folder of its state
0700 and every file 0600 (keys, databases, tokens, logs), though run with umask 022."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_a_network_and_describes_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    command = [
        sys.executable, "-m", "lienthong.cli", "--lang", "en", "demo", "--documents", "20", "--exit",
        "--state-dir", str(state), "--samples", str(ROOT / "samples"),
    ]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        timeout=240,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
        umask=0o022,
    )
    out = done.stdout.decode()
    assert done.returncode == 0, out[-3000:] + done.stderr.decode()[-2000:]
    assert "documents sent" in out
    assert "status 02" in out
    assert "status 15" in out
    assert "failures" in out

    described = json.loads((state / "network.json").read_text(encoding="utf-8"))
    assert described["directory"]["url"].startswith("https://127.0.0.1:")
    assert Path(described["directory"]["anchor"]).is_file()
    assert "BEGIN CERTIFICATE" in Path(described["trust_anchor"]).read_text()
    nodes = {n["name"]: n for n in described["nodes"]}
    assert set(nodes) == {"vpcp", "bo-noi-vu", "ha-noi"}
    assert nodes["vpcp"]["agencies"] == ["000.00.00.G22"]
    assert nodes["bo-noi-vu"]["agencies"] == ["000.00.00.G09"]
    assert nodes["ha-noi"]["agencies"][:2] == ["000.00.00.H26", "000.00.12.H26"]
    for node in nodes.values():
        assert node["url"].startswith("https://127.0.0.1:")
        assert Path(node["home"], "node.json").is_file()
        assert node["api"]["base_url"].startswith("https://127.0.0.1:")
        assert node["api"]["base_url"] != node["url"]
        assert node["api"]["token"]
        vxp = node["vxp"]
        assert vxp["endpoint"] == node["api"]["base_url"] + "/vxp"
        assert vxp["systemid"] == node["name"]
        assert vxp["secret"]
        assert vxp["agency"] == node["agencies"][0]

    open_to_others = {
        str(path.relative_to(state)): f"{stat.S_IMODE(path.stat().st_mode):o}"
        for path in [state, *state.rglob("*")]
        if stat.S_IMODE(path.stat().st_mode) != (0o700 if path.is_dir() else 0o600)
    }
    assert open_to_others == {}
    assert {"directory/signing.key.pem", "directory/directory.db", "vpcp/node.db", "network.json"} <= {
        str(path.relative_to(state)) for path in state.rglob("*")
    }
