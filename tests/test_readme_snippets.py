"""The README's library snippets run as written: building edXML, and sending and reading with
the SDK against a network started by ``lienthong demo --state-dir state`` (real processes on
loopback), with the working directory a reader would have (``state/``, ``cong-van.pdf``)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lienthong.client import Client
from lienthong.demo import wait_for
from trust.trust_pdf import minimal_pdf

ROOT = Path(__file__).resolve().parents[1]
#: A fenced block the README marks to be run: ``<!-- README test: NAME -->`` on the line before.
_MARKED = re.compile(r"<!-- README test: ([\w-]+) -->\n```python\n(.*?)\n```", re.DOTALL)
#: Seconds the demo may take to start and send its documents on a busy machine.
START = 420.0


def snippets() -> dict[str, str]:
    return dict(_MARKED.findall((ROOT / "README.md").read_text(encoding="utf-8")))


def _run(name: str, namespace: dict[str, Any]) -> None:
    # The README's own code, in one namespace per test as in one session of a reader's.
    exec(compile(snippets()[name], f"README.md:{name}", "exec"), namespace)


def test_readme_marks_its_library_snippets() -> None:
    assert set(snippets()) == {"edxml", "sdk-send", "sdk-read"}


def test_readme_edxml_snippet_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cong-van.pdf").write_bytes(minimal_pdf())
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    _run("edxml", namespace)  # it asserts its own round trip
    assert "Về việc triển khai".encode() in namespace["data"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A directory where ``lienthong demo --state-dir state`` is serving, once its traffic is done."""
    base = tmp_path_factory.mktemp("readme")
    log = base / "demo.log"
    command = [
        sys.executable, "-m", "lienthong.cli", "--lang", "en", "demo", "--documents", "2",
        "--state-dir", "state", "--samples", str(ROOT / "samples"),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=base,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COLUMNS": "200"},
            start_new_session=True,  # its node processes are stopped with it
        )
    try:
        # Once its traffic is done (and acknowledged) the demo names network.json and keeps serving.
        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(log.read_text(errors="replace")[-3000:])
            return "state/network.json" in log.read_text(errors="replace")

        assert wait_for(ready, timeout=START, every=0.5), log.read_text(errors="replace")[-3000:]
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def test_readme_sdk_snippets_send_and_read(
    demo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo / "cong-van.pdf").write_bytes(minimal_pdf())
    monkeypatch.chdir(demo)
    namespace: dict[str, Any] = {}
    _run("sdk-send", namespace)
    sent = namespace["sent"]
    assert sent.recipients == ["000.00.00.G09"]
    assert sent.message_id in capsys.readouterr().out

    receiver = namespace["connect"]("bo-noi-vu")
    with receiver:
        assert wait_for(
            lambda: any(i.message_id == sent.message_id for i in receiver.inbox(acknowledged=False).items),
            timeout=120,
        )
    _run("sdk-read", namespace)
    out = capsys.readouterr().out
    assert "000.00.00.G22 Về việc thử liên thông True" in out
    (kept,) = demo.glob(f"{sent.message_id}-*.edxml")
    assert "Về việc thử liên thông" in kept.read_text(encoding="utf-8")

    sender: Client
    with namespace["connect"]("vpcp") as sender:

        def answered() -> bool:
            (recipient,) = sender.sent(sent.message_id).recipients
            return recipient.delivery == "delivered" and recipient.business_status == "03"

        assert wait_for(answered, timeout=120)
