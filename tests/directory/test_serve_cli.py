"""`lienthong directory serve | admins | config fetch | certificates | anchors | crls | nodes remove`:
the installed command, a real server process on loopback."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from lienthong._i18n import Language, language, set_language
from lienthong.cli import app
from lienthong.directory import DirectoryEntryUnknown
from support.pki import Tls, certificate_pem, crl_pem, stray_key

LIENTHONG = Path(sys.executable).with_name("lienthong")


@pytest.fixture(autouse=True)
def keep_language() -> Iterator[None]:
    before: Language = language()
    yield
    set_language(before)


def _run(*args: str, url: str = "", home: Path | None = None) -> str:
    env = {"LIENTHONG_DIRECTORY_DB": url, "LIENTHONG_ACTOR": "tester"}
    if home is not None:
        env["LIENTHONG_DIRECTORY_HOME"] = str(home)
    result = CliRunner().invoke(app, ["directory", *args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def test_certificates_anchors_crls_and_node_removal(database_url: str, tmp_path: Path) -> None:
    _run("init", url=database_url)
    cert, crl, root = tmp_path / "signer.pem", tmp_path / "root.crl", tmp_path / "root.pem"
    root_key = stray_key()
    cert.write_text(certificate_pem("VPCP signer"), encoding="ascii")
    root.write_text(certificate_pem("Root CA", root_key), encoding="ascii")
    crl.write_text(crl_pem("Root CA", key=root_key), encoding="ascii")
    fingerprint = _run(
        "certificates", "bind", "000.00.00.G22", str(cert), "--subtree", url=database_url
    ).split()[0]
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    _run("certificates", "unbind", fingerprint, "000.00.00.G22", url=database_url)
    with pytest.raises(DirectoryEntryUnknown):
        _run("certificates", "unbind", fingerprint, "000.00.00.G22", url=database_url)
    assert "CN=VPCP signer" in _run("anchors", "add", str(cert), url=database_url)
    _run("anchors", "add", str(root), url=database_url)
    assert "CN=Root CA" in _run("crls", "add", str(crl), url=database_url)
    _run("nodes", "add", "hanoi", "https://hn.example", "--serves", "000.00.00.H26", url=database_url)
    _run("nodes", "remove", "hanoi", url=database_url)
    assert json.loads(_run("nodes", "show", "--json", url=database_url)) == []


def test_serve_fetch_and_admin_tokens(tmp_path: Path, tls: Tls) -> None:
    url, home = f"sqlite:///{tmp_path / 'd.db'}", tmp_path / "home"
    _run("init", url=url)
    key, cert, anchor, out = (tmp_path / n for n in ("k.pem", "c.pem", "anchor.json", "net.conf"))
    _run("config", "keygen", "--key", str(key), "--cert", str(cert), "--anchor", str(anchor))
    token = _run("admins", "add", "alice", "--scope", "nodes:write", home=home).splitlines()[0]
    _run("admins", "add", "bob", "--scope", "audit:read", home=home)
    _run("admins", "remove", "bob", home=home)
    assert [line.split()[0] for line in _run("admins", "list", home=home).splitlines()] == ["alice"]

    command = [
        str(LIENTHONG), "--lang", "en", "directory", "serve", "--db", url, "--home", str(home),
        "--key", str(key), "--cert", str(cert), "--tls-cert", str(tls.server[0]),
        "--tls-key", str(tls.server[1]), "--client-anchors", str(tls.root), "--port", "0",
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        found = re.search(r"https://127\.0\.0\.1:[0-9]+", line)
        assert found, line + (server.stderr.read() if server.poll() is not None and server.stderr else "")
        base = found.group(0)
        node = {"name": "hanoi", "peer_url": "https://hn.example", "serves": ["000.00.00.H26"]}
        with tls.client() as client:
            added = client.post(
                f"{base}/v1/admin/nodes", json=node, headers={"Authorization": f"Bearer {token}"}
            )
            assert added.status_code == 201, added.text
            assert client.post(f"{base}/v1/admin/nodes", json=node).status_code == 401
        fetched = _run(
            "config", "fetch", base, "-o", str(out), "--anchor", str(anchor), "--tls-anchors", str(tls.root)
        )
        assert "version=2" in fetched and "nodes=1" in fetched
        assert "version=2" in _run("config", "verify", str(out), "--anchor", str(anchor))
        # Unreachable: one line, exit 1.
        failed = subprocess.run(
            [LIENTHONG, "directory", "config", "fetch", "https://127.0.0.1:9", "-o", str(out),
             "--anchor", str(anchor), "--tls-anchors", str(tls.root)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert failed.returncode == 1 and failed.stderr.count("\n") == 1, failed.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            server.kill()
    assert server.returncode == 0, server.stderr.read() if server.stderr else ""
    with httpx.Client(verify=False) as client, pytest.raises(httpx.ConnectError):
        client.get(base)
