"""`lienthong send|inbox|show|status` run as a user runs them (the real command, a subprocess)
against real nodes: whole ids, subjects and senders, Vietnam's time, --json, id prefixes,
--unread, required number and notation, and errors that say what to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from client.live import Sdk, eventually
from lienthong.client import Client, InboxItem
from lienthong.demo import free_port, sample_pdf
from node.node_network import RECIPIENT, SENDER, SUCCESSOR, document


def lienthong(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``lienthong ARGS`` in English, in an 80-column terminal, with no node named by the
    environment unless ``env`` says so."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    return subprocess.run(  # noqa: PLW1510 - callers check the exit code
        [sys.executable, "-m", "lienthong.cli", "--lang", "en", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**clean, "COLUMNS": "80", **(env or {})},
    )


def _flags(sdk: Sdk, node: str, token: str) -> list[str]:
    return ["--url", sdk.live.urls[node], "--token", token, "--ca", str(sdk.live.anchors(node))]


def _received(api: Client, message_id: str) -> list[InboxItem]:
    found = eventually(lambda: [i for i in api.iter_inbox(kind="document") if i.message_id == message_id])
    assert found, f"{message_id} never arrived"
    return found


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def both_token(sdk: Sdk) -> str:
    """A token of vpcp acting for both its codes (so one message gives it two items)."""
    return sdk.live.token("vpcp", "cli-both", [RECIPIENT, SUCCESSOR])


@pytest.fixture
def network_file(sdk: Sdk, tmp_path: Path) -> Path:
    """``network.json`` as ``lienthong demo --state-dir`` writes it, for the live nodes."""
    path = tmp_path / "network.json"
    nodes = [
        {"name": "nghe-an", "api": {"base_url": sdk.live.urls["nghe-an"], "token": sdk.na_token}},
        {"name": "vpcp", "api": {"base_url": sdk.live.urls["vpcp"], "token": sdk.vp_token}},
    ]
    path.write_text(
        json.dumps({"trust_anchor": str(sdk.live.anchors("vpcp")), "nodes": nodes}), encoding="utf-8"
    )
    return path


def test_inbox_shows_whole_ids_subject_number_sender_name_in_vietnam_time(sdk: Sdk) -> None:
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.send_package(document("7001"))
        item = _received(receiver, sent.message_id)[0]
    done = lienthong("inbox", "--limit", "500", *_flags(sdk, "vpcp", sdk.vp_token))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # The id a user types to `status` is whole, on a line of its own (80 columns or not).
    at = lines.index(item.id)
    shown = "\n".join(lines[at : at + 3])
    assert "7001/UBND-VP" in shown and "V/v văn bản số 7001" in shown
    assert "UBND tỉnh Nghệ An" in shown and SENDER in shown
    assert "+07:00" in shown and "+00:00" not in shown


def test_inbox_show_and_status_answer_json(sdk: Sdk) -> None:
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.send_package(document("7002"))
        item = _received(receiver, sent.message_id)[0]
    flags = _flags(sdk, "vpcp", sdk.vp_token)
    listed = lienthong("inbox", "--limit", "500", "--json", *flags)
    assert listed.returncode == 0, listed.stderr
    mine = next(i for i in json.loads(listed.stdout) if i["id"] == item.id)
    assert mine["subject"] == "V/v văn bản số 7002" and mine["number"] == "7002"
    assert mine["notation"] == "UBND-VP" and mine["sender_name"] == "UBND tỉnh Nghệ An"
    shown = lienthong("show", item.id, "--json", *flags)
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view["item"]["id"] == item.id
    # The package and its signature report as the node's JSON (not the SDK's models as text).
    assert view["package"]["from"] == SENDER and view["package"]["subject"] == "V/v văn bản số 7002"
    assert view["signature"]["valid"] is True and isinstance(view["attachment_signatures"], list)
    answered = lienthong("status", item.id, "01", "--json", *flags)
    assert answered.returncode == 0, answered.stderr
    assert json.loads(answered.stdout)["recipients"] == [SENDER]
    out = lienthong("show", sent.message_id, "--json", *_flags(sdk, "nghe-an", sdk.na_token))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["message_id"] == sent.message_id


def test_a_unique_id_prefix_is_enough_and_an_ambiguous_one_lists_the_candidates(
    sdk: Sdk, both_token: str
) -> None:
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.send_package(document("7003", to=(RECIPIENT, SUCCESSOR)))
        _received(receiver, sent.message_id)
    with Client(sdk.live.urls["vpcp"], token=both_token, verify=sdk.live.anchors("vpcp")) as api:
        eventually(lambda: len(_received(api, sent.message_id)) == 2)
    flags = _flags(sdk, "vpcp", both_token)
    prefix = sent.message_id[:12]
    ambiguous = _one_line_error(lienthong("show", prefix, *flags))
    assert f"{sent.message_id}-{RECIPIENT}" in ambiguous and f"{sent.message_id}-{SUCCESSOR}" in ambiguous
    unique = f"{sent.message_id}-{SUCCESSOR}"[:-2]
    shown = lienthong("show", unique, "--json", *flags)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["item"]["recipient"] == SUCCESSOR
    # Both items begin with the message id: the prefix must say which.
    assert "matches 2" in _one_line_error(lienthong("status", sent.message_id, "01", *flags))
    answered = lienthong("status", unique, "01", "--json", *flags)
    assert answered.returncode == 0, answered.stderr


def test_show_prints_a_received_document_as_a_table_in_vietnam_time(sdk: Sdk) -> None:
    with sdk.sender() as sender, sdk.receiver() as receiver:
        sent = sender.send_package(document("7004"))
        item = _received(receiver, sent.message_id)[0]
    done = lienthong("show", item.id, *_flags(sdk, "vpcp", sdk.vp_token))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == item.id
    assert "7004/UBND-VP" in done.stdout and "V/v văn bản số 7004" in done.stdout
    assert "vb.pdf" in done.stdout and "+07:00" in done.stdout
    assert not done.stdout.lstrip().startswith("{")


def test_unread_means_no_status_sent_and_not_acknowledged(sdk: Sdk) -> None:
    with sdk.sender() as sender, sdk.receiver() as receiver:
        answered = sender.send_package(document("7005"))
        untouched = sender.send_package(document("7006"))
        acknowledged = sender.send_package(document("7007"))
        answered_item = _received(receiver, answered.message_id)[0]
        untouched_item = _received(receiver, untouched.message_id)[0]
        acknowledged_item = _received(receiver, acknowledged.message_id)[0]
        receiver.send_status(answered_item.id, "03")
        receiver.acknowledge(acknowledged_item.id)
    done = lienthong("inbox", "--unread", "--limit", "500", "--json", *_flags(sdk, "vpcp", sdk.vp_token))
    assert done.returncode == 0, done.stderr
    ids = {i["id"] for i in json.loads(done.stdout)}
    assert untouched_item.id in ids
    assert answered_item.id not in ids and acknowledged_item.id not in ids
    # The option's help says what unread means, in the language asked for (--lang en).
    helped = " ".join(lienthong("inbox", "--help", env={"COLUMNS": "400"}).stdout.split())
    assert "no status reported yet (01–06) and not acknowledged" in helped


def test_send_requires_number_and_notation(sdk: Sdk, tmp_path: Path) -> None:
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(sample_pdf("Can so"))
    flags = _flags(sdk, "nghe-an", sdk.na_token)
    base = ["send", "--from", SENDER, "--to", RECIPIENT, "--subject", "V/v thiếu số", str(pdf), *flags]
    assert "--number" in _one_line_error(lienthong(*base, "--notation", "UBND-VP"))
    assert "--notation" in _one_line_error(lienthong(*base, "--number", "12"))
    sent = lienthong(*base, "--number", "12", "--notation", "UBND-VP")
    assert sent.returncode == 0, sent.stderr


def test_a_refused_connection_names_the_url_and_asks_whether_the_network_runs(sdk: Sdk) -> None:
    url = f"https://127.0.0.1:{free_port()}"
    line = _one_line_error(
        lienthong("inbox", "--url", url, "--token", "x", "--ca", str(sdk.live.anchors("vpcp")))
    )
    assert url in line and "is the network running?" in line


def test_a_tls_trust_failure_suggests_network_or_ca(sdk: Sdk) -> None:
    line = _one_line_error(lienthong("inbox", "--url", sdk.live.urls["vpcp"], "--token", sdk.vp_token))
    assert "not trusted" in line and "--network" in line and "--ca" in line


def test_a_ca_that_is_not_pem_is_one_line(sdk: Sdk, tmp_path: Path) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate\n", encoding="utf-8")
    line = _one_line_error(lienthong("inbox", *_flags(sdk, "vpcp", sdk.vp_token)[:4], "--ca", str(bogus)))
    assert str(bogus) in line and "not a PEM file" in line


def test_an_unknown_node_lists_the_names(network_file: Path) -> None:
    line = _one_line_error(lienthong("inbox", "--network", str(network_file), "--node", "hue"))
    assert "hue" in line and "nghe-an" in line and "vpcp" in line


def test_a_missing_url_mentions_network_and_node() -> None:
    line = _one_line_error(lienthong("inbox"))
    assert "--network" in line and "--node" in line


def test_network_and_node_name_the_node(network_file: Path) -> None:
    done = lienthong("inbox", "--json", "--network", str(network_file), "--node", "vpcp")
    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout), list)


def test_a_refusal_never_names_a_client_the_user_did_not_create(sdk: Sdk) -> None:
    line = _one_line_error(lienthong("inbox", "--agency", SENDER, *_flags(sdk, "vpcp", sdk.vp_token)))
    assert "sdk-vp" not in line and "client" not in line
    assert SENDER in line and RECIPIENT in line  # which code was refused, which it may use
