"""`lienthong node clients add/list/remove` against a node home (SQLite)."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lienthong.api import RequestInvalid
from lienthong.cli._node_clients import app
from lienthong.store import NodeAudit, open_database


def test_add_list_remove(tmp_path: Path) -> None:
    (tmp_path / "node.json").write_text(json.dumps({"name": "vpcp", "key": "k.pem", "certificate": "c.pem"}))
    runner = CliRunner()
    added = runner.invoke(app, ["add", "qlvb", "--codes", "000.00.00.G22", "--home", str(tmp_path)])
    assert added.exit_code == 0, added.output
    assert "token: lt_" in added.output
    vxp = runner.invoke(
        app, ["add", "vxp1", "--codes", "000.00.00.G22", "--vxp", "sys1", "--home", str(tmp_path)]
    )
    assert "secret:" in vxp.output
    listed = runner.invoke(app, ["list", "--home", str(tmp_path)])
    assert "qlvb\trest" in listed.output and "vxp1\tvxp\tsys1" in listed.output
    assert runner.invoke(app, ["remove", "qlvb", "--home", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["remove", "qlvb", "--home", str(tmp_path)]).exit_code == 1
    # each change of the node's clients is in its audit log, by the system user who ran it
    database = open_database(f"sqlite:///{tmp_path / 'node.db'}")
    try:
        with NodeAudit.begin(database) as audit:
            entries = [(e.actor, e.action, e.target) for e in reversed(audit.entries())]
    finally:
        database.close()
    who = f"cli:{getpass.getuser()}"
    assert entries == [
        (who, "api-client-added", "qlvb"),
        (who, "api-client-added", "vxp1"),
        (who, "api-client-removed", "qlvb"),
    ]


def test_add_with_webhook(tmp_path: Path) -> None:
    (tmp_path / "node.json").write_text(json.dumps({"name": "vpcp", "key": "k.pem", "certificate": "c.pem"}))
    runner = CliRunner()
    base = ["--codes", "000.00.00.G22", "--home", str(tmp_path)]
    added = runner.invoke(app, ["add", "qlvb", *base, "--webhook", "https://qlvb.example.vn/hook"])
    assert added.exit_code == 0, added.output
    assert "webhook: https://qlvb.example.vn/hook" in added.output and "webhook secret: " in added.output
    refused = runner.invoke(app, ["add", "qlvb2", *base, "--webhook", "http://qlvb.example.vn/hook"])
    assert refused.exit_code != 0 and isinstance(refused.exception, RequestInvalid)
    listed = runner.invoke(app, ["list", "--home", str(tmp_path)])
    assert "qlvb2" not in listed.output  # nothing created when the webhook is refused


def test_a_vxp_system_pinned_to_a_zone_is_stored_and_listed(tmp_path: Path) -> None:
    (tmp_path / "node.json").write_text(json.dumps({"name": "vpcp", "key": "k.pem", "certificate": "c.pem"}))
    runner = CliRunner()
    base = ["--codes", "000.00.00.G22", "--home", str(tmp_path)]
    for name, zone in (("vn", "Asia/Ho_Chi_Minh"), ("utc", "UTC"), ("plus7", "+07:00")):
        added = runner.invoke(app, ["add", name, *base, "--vxp", f"sys-{name}", "--vxp-timezone", zone])
        assert added.exit_code == 0, added.output
        assert f": {zone}" in added.output
    assert runner.invoke(app, ["add", "any", *base, "--vxp", "sys-any"]).exit_code == 0
    listed = runner.invoke(app, ["list", "--home", str(tmp_path)]).output.splitlines()
    assert "vn\tvxp\tsys-vn\t000.00.00.G22\tAsia/Ho_Chi_Minh" in listed
    assert "utc\tvxp\tsys-utc\t000.00.00.G22\tUTC" in listed
    assert "plus7\tvxp\tsys-plus7\t000.00.00.G22\t+07:00" in listed
    assert "any\tvxp\tsys-any\t000.00.00.G22\t" in listed  # not pinned: read both ways


@pytest.mark.parametrize(
    ("zone", "extra"),
    [("Asia/Hanoi", ["--vxp", "sys1"]), ("+25:00", ["--vxp", "sys1"]), ("UTC", [])],
    ids=["unknown-name", "offset-out-of-range", "rest-client"],
)
def test_a_zone_naming_nothing_is_refused_in_one_line_and_nothing_is_created(
    tmp_path: Path, zone: str, extra: list[str]
) -> None:
    (tmp_path / "node.json").write_text(json.dumps({"name": "vpcp", "key": "k.pem", "certificate": "c.pem"}))
    home = ["--home", str(tmp_path)]
    command = [sys.executable, "-m", "lienthong.cli", "node", "clients"]
    refused = subprocess.run(
        [*command, "add", "qlvb", "--codes", "000.00.00.G22", *home, *extra, "--vxp-timezone", zone],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1, refused.stderr
    assert refused.stdout == "" and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    listed = subprocess.run(
        [*command, "list", *home], capture_output=True, text=True, timeout=120, check=True
    )
    assert "qlvb" not in listed.stdout
