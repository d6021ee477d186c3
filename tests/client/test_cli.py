"""`lienthong events` and `lienthong webhook` against a real node, through the SDK."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from client.live import Sdk, eventually
from lienthong.cli._app import app
from node.node_network import document


def test_events_and_webhook_commands(sdk: Sdk) -> None:
    runner = CliRunner()
    common = [
        "--url",
        sdk.live.urls["nghe-an"],
        "--token",
        sdk.na_token,
        "--ca",
        str(sdk.live.anchors("nghe-an")),
    ]
    with sdk.sender() as api:
        sent = api.send_package(document("601"))

    def listed() -> list[dict[str, object]]:
        done = runner.invoke(app, ["--lang", "en", "events", "--limit", "500", *common])
        assert done.exit_code == 0, done.output
        return [json.loads(line) for line in done.output.splitlines()]

    events = eventually(
        lambda: [
            e for e in listed() if e["message_id"] == sent.message_id and e["type"] == "delivery.delivered"
        ]
    )
    assert events
    made = runner.invoke(app, ["webhook", "--set", "https://qlvb.example.vn/hook", *common])
    assert made.exit_code == 0 and json.loads(made.output)["secret"]
    shown = runner.invoke(app, ["webhook", *common])
    assert "secret" not in json.loads(shown.output)
    assert runner.invoke(app, ["webhook", "--remove", *common]).exit_code == 0
    missing = runner.invoke(app, ["webhook", *common])
    assert missing.exit_code != 0
