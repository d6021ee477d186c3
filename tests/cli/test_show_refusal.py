"""A real node refuses a package: its signed receipt says why as a code and parameters, and
`lienthong show` at the sender renders that reason in Vietnamese and in English.

Three ``lienthong node serve`` processes over mTLS on loopback; vpcp takes packages of at most
2,500 bytes, so a document from nghe-an reaches it and is refused as too large, with a negative
receipt signed by vpcp."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from api.api_nodes import LiveApi, live_api
from client.live import eventually
from lienthong._i18n import Message, render
from lienthong.client import Client
from lienthong.evidence import Receipt, read_receipt
from lienthong.store import NodeStore
from node.node_network import RECIPIENT, SENDER, document

#: Below any signed package, and over a quarter of it: the body is read, hashed and refused with
#: a signed receipt (a body over four times the limit is cut off with a 413 instead).
LIMIT = 2500


@pytest.fixture(scope="module")
def refusing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    base = tmp_path_factory.mktemp("refusing")
    yield from live_api(base, node_options={"vpcp": ("--max-package-bytes", str(LIMIT))})


def _show(live: LiveApi, token: str, message_id: str, language: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    done = subprocess.run(  # noqa: PLW1510 - the exit code is checked below
        [
            sys.executable, "-m", "lienthong.cli", "--lang", language, "show", message_id,
            "--url", live.urls["nghe-an"], "--token", token, "--ca", str(live.anchors("nghe-an")),
        ],
        capture_output=True, text=True, timeout=180, env={**clean, "COLUMNS": "250"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_refusal_is_signed_as_a_code_and_shown_in_either_language(refusing: LiveApi) -> None:
    token = refusing.token("nghe-an", "refusal-cli", [SENDER])
    with Client(refusing.urls["nghe-an"], token=token, verify=refusing.anchors("nghe-an")) as client:
        sent = client.send_package(document("1024"))
        state = eventually(
            lambda: next(
                (r for r in client.sent(sent.message_id).recipients if r.delivery == "rejected"), None
            )
        )
        seen = client.sent(sent.message_id).recipients
    assert state is not None and state.recipient == RECIPIENT, f"vpcp never refused the document: {seen}"
    why = state.why
    assert isinstance(why, Message), f"the refusal came back as prose, not data: {why!r}"
    assert why.code == "node-package-too-large" and why.params["limit"] == LIMIT

    # What vpcp signed: the reason as data, no sentence in any language.
    signed = _refusal_receipt(refusing, sent.message_id)
    assert signed.reason is None and signed.reason_code == "too-large"
    assert signed.reason_message == why

    english, vietnamese = render(why, "en"), render(why, "vi")
    assert english != vietnamese
    shown_en = _show(refusing, token, sent.message_id, "en")
    shown_vi = _show(refusing, token, sent.message_id, "vi")
    assert english in " ".join(shown_en.split()), shown_en
    assert vietnamese in " ".join(shown_vi.split()), shown_vi
    assert vietnamese not in " ".join(shown_en.split())


def _refusal_receipt(live: LiveApi, message_id: str) -> Receipt:
    """The negative receipt nghe-an holds from vpcp for ``message_id``, its signature checked."""
    with NodeStore.begin(live.net.database("nghe-an"), write=False) as store:
        raws = [entry.raw for entry in store.receipts(message_ids=[message_id])]
    receipts = [read_receipt(raw).receipt for raw in raws]  # each signature verified on reading
    refused = [r for r in receipts if not r.accepted and r.node == "vpcp"]
    assert refused, f"nghe-an holds no refusal from vpcp: {receipts}"
    return refused[0]
