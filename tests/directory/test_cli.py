"""`lienthong directory …`: init, agencies, nodes, reorganize, config build and verify."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lienthong._i18n import Language, language, set_language
from lienthong.cli import app
from lienthong.directory import ConfigurationRefused, DirectoryConflict, RefusalReason

LIENTHONG = Path(sys.executable).with_name("lienthong")
REORG = str(resources.files("lienthong.codes") / "data" / "reorg-2025.csv")


@pytest.fixture(autouse=True)
def keep_language() -> Iterator[None]:
    before: Language = language()
    yield
    set_language(before)


def _run(*args: str, url: str) -> str:
    result = CliRunner().invoke(
        app, ["directory", *args], env={"LIENTHONG_DIRECTORY_DB": url, "LIENTHONG_ACTOR": "tester"}
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def test_registry_commands(database_url: str, tmp_path: Path) -> None:
    assert "107" in _run("init", url=database_url)
    assert "0" in _run("init", url=database_url)
    _run("nodes", "add", "bac-giang", "https://bg.example", "--serves", "000.00.00.H02", url=database_url)
    _run("nodes", "add", "bac-ninh", "https://bn.example", "--serves", "000.00.00.H05", url=database_url)
    shown = json.loads(_run("nodes", "show", "--json", url=database_url))
    assert [(n["name"], n["serves"]) for n in shown] == [
        ("bac-giang", ["000.00.00.H02"]),
        ("bac-ninh", ["000.00.00.H05"]),
    ]
    before = json.loads(
        _run("agencies", "show", "000.00.00.H02", "--at", "2025-06-30", "--json", url=database_url)
    )
    assert (before["node"], before["deliverable"]) == ("bac-giang", True)
    after = json.loads(
        _run("agencies", "show", "000.00.00.H02", "--at", "2025-07-01", "--json", url=database_url)
    )
    assert (after["deliverable"], after["successor"]) == (False, "000.00.00.H05")
    _run("reorganize", REORG, url=database_url)  # already in the reference data: changes nothing
    _run(
        "agencies", "add", "000.00.07.H05", "--name", "Sở mới", "--contact", "so@example.vn", url=database_url
    )
    _run("agencies", "close", "000.00.07.H05", "--on", "2026-01-01", url=database_url)
    units = tmp_path / "units.csv"
    units.write_text("code,name\n000.00.08.H05,Sở Tám\n", encoding="utf-8")
    assert "1" in _run("agencies", "import", str(units), url=database_url)
    text = _run("agencies", "show", "000.00.08.H05", url=database_url)
    assert "bac-ninh" in text
    with pytest.raises(DirectoryConflict):
        _run("agencies", "add", "000.00.08.H05", url=database_url)


def test_config_build_and_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    _run("init", url=url)
    _run("nodes", "add", "hanoi", "https://hn.example", "--serves", "000.00.00.H26", url=url)
    key, cert, anchor, out = (tmp_path / name for name in ("k.pem", "c.pem", "anchor.json", "net.conf"))
    _run("config", "keygen", "--key", str(key), "--cert", str(cert), "--anchor", str(anchor), url=url)
    _run("config", "build", "-o", str(out), "--key", str(key), "--cert", str(cert), url=url)
    assert "version=2" in _run("config", "verify", str(out), "--anchor", str(anchor), url=url)
    assert "version=2" in _run("config", "verify", str(out), "--anchor", str(cert), url=url)
    with pytest.raises(ConfigurationRefused) as refused:
        _run("config", "verify", str(out), "--anchor", str(anchor), "--at", "2099-01-01T00:00:00", url=url)
    assert refused.value.reason is RefusalReason.EXPIRED
    delta = tmp_path / "delta.conf"
    _run("config", "build", "-o", str(delta), "--since", "1", "--key", str(key), "--cert", str(cert), url=url)
    assert delta.stat().st_size < out.stat().st_size

    # The installed command: exit 0 when valid, 1 with one line naming the reason when not.
    ok = subprocess.run([LIENTHONG, "directory", "config", "verify", str(out), "--anchor", str(anchor)],
                        capture_output=True, text=True, check=False)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    tampered = tmp_path / "tampered.conf"
    tampered.write_bytes(out.read_bytes()[:-3] + b"xyz")
    bad = subprocess.run(
        [LIENTHONG, "--lang", "en", "directory", "config", "verify", str(tampered), "--anchor", str(anchor)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1 and "signature is invalid" in bad.stderr
