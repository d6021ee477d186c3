"""`lienthong node retention/hold/archive` and `lienthong evidence verify ARCHIVE` on a node home
whose database and blobs are those of the test network's sending node: policies and holds are
set and listed (and audited), the archive command writes a bag that the evidence command
verifies with the root certificate only, and the held document keeps its payloads."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from lienthong.cli._app import app
from lienthong.directory import generate_directory_key
from lienthong.node import KeyFiles, init_home
from lienthong.store import BlobStore, NodeAudit
from node.node_network import AT, Network, _configuration, network, populate
from support.databases import database_url

__all__ = ["database_url", "network"]  # the fixtures


def _home(network: Network, tmp_path: Path) -> Path:
    """A home for node nghe-an over the network's own database and blob store, with a resync
    window of 0 days (the documents were all settled just now)."""
    key = generate_directory_key("cli directory", not_before=AT - timedelta(days=30))
    configuration = tmp_path / "configuration.json"
    configuration.write_bytes(_configuration(network.pki, key))
    anchor = tmp_path / "anchor.json"
    anchor.write_text(key.anchor(directory="test").to_json(), encoding="utf-8")
    issued = network.pki.pki.issued("nghe-an")
    url = network.sender.database.engine.url.render_as_string(hide_password=False)
    home = init_home(
        tmp_path / "home", name="nghe-an", anchor=anchor, at=AT, database_url=url,
        tls=KeyFiles(issued.key_path, issued.cert_path), chain=[network.pki.pki.issuing_path],
        configuration=configuration, blobs="filesystem",  # the network's blob store, linked below
    )  # fmt: skip
    settings = json.loads((home.home / "node.json").read_text(encoding="utf-8"))
    (home.home / "node.json").write_text(json.dumps({**settings, "resync_window_days": 0}), encoding="utf-8")
    blobs = home.home / "blobs"
    if blobs.exists():
        blobs.rmdir()
    assert isinstance(network.sender.blobs, BlobStore)
    blobs.symlink_to(network.sender.blobs.root, target_is_directory=True)
    return home.home


def test_archive_command_writes_a_bag_the_evidence_command_verifies(network: Network, tmp_path: Path) -> None:
    ids = populate(network, 4)
    home = _home(network, tmp_path)
    runner = CliRunner()

    def node(*words: str) -> str:
        done = runner.invoke(app, ["node", *words, "--home", str(home)])
        assert done.exit_code == 0, done.output
        return done.output

    node("retention", "set", "--days", "0")
    assert json.loads(node("retention", "list")) == {"agency": "*", "type": "*", "days": 0}
    node("hold", "set", ids[1], "--reason", "thanh tra")
    assert [json.loads(line)["message_id"] for line in node("hold", "list").splitlines()] == [ids[1]]
    out = tmp_path / "archive"
    outcome = json.loads(node("archive", "--before", "2100-01-01", "-o", str(out)).splitlines()[-1])
    assert (outcome["archived"], outcome["purged"], outcome["held"]) == (4, 3, 1)
    root = tmp_path / "root.pem"
    root.write_bytes(network.pki.pki.root_path.read_bytes())
    verified = runner.invoke(app, ["evidence", "verify", str(out), "--trust", str(root)])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("VALID") and "bundles=4 invalid=0" in verified.output
    # An altered bundle is named, and the command fails.
    bundle = next((out / "data").glob("*.zip"))
    bundle.write_bytes(bundle.read_bytes() + b"x")
    refused = runner.invoke(app, ["evidence", "verify", str(out), "--trust", str(root)])
    assert refused.exit_code == 1 and bundle.name in refused.output
    with NodeAudit.begin(network.sender.database) as audit:
        actions = sorted(e.action for e in audit.entries())
    assert actions == ["legal-hold-set", "retention-set"]
