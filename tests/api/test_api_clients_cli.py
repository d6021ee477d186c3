"""`lienthong node clients add/list/remove` against a node home (SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lienthong.api import RequestInvalid
from lienthong.cli._node_clients import app


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
