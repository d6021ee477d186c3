"""`lienthong demo` end to end: a directory and three node processes over real mTLS, twenty
documents sent through node A's REST API with the SDK, delivered to B and listed by B's API,
statuses walked back; the URLs and logins it prints, and the network.json it leaves behind, with
every folder of its state 0700 and every file 0600 (keys, databases, tokens, logs), though run
with umask 022. A second run on the same state resumes the network: a clerk logs into a console
and the admin into the portal with the printed logins, and the portal holds the first run's
figures."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from demo.demo_process import read_until, stop, text
from lienthong.demo import wait_for
from lienthong.net import client_context

ROOT = Path(__file__).resolve().parents[2]


def _command(state: Path, *options: str) -> list[str]:
    return [
        sys.executable, "-m", "lienthong.cli", "--lang", "en", "demo", *options,
        "--state-dir", str(state), "--samples", str(ROOT / "samples"),
    ]  # fmt: skip


def _printed_logins(out: str) -> dict[str, str]:
    found = r"(?:(?:clerk|leader) [0-9A-Z.]+|administrator of the node): user (\S+)  password (\S+)"
    return dict(re.findall(found, out))


def test_demo_runs_a_network_and_describes_it(tmp_path: Path) -> None:
    state = tmp_path / "state"
    command = _command(state, "--documents", "20", "--exit")
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

    # Every URL a person opens, and the logins: printed, and kept in network.json.
    assert "on this machine only" in out
    portal = described["portal"]
    assert portal["url"] == described["directory"]["url"] + "/portal/"
    assert (
        f"Statistics portal: {portal['url']}  admin {portal['admin']}, login token {portal['token']}" in out
    )
    printed = _printed_logins(out)
    for node in nodes.values():
        console = node["console"]
        assert console["url"] == node["api"]["base_url"] + "/console/"
        assert f"Console: {console['url']}" in out
        assert f"docs {node['api']['base_url']}/docs" in out
        roles = {(user["agency"], user["role"]) for user in console["users"]}
        assert roles == {(code, role) for code in node["agencies"] for role in ("clerk", "leader")} | {
            ("", "administrator")
        }
        for user in console["users"]:
            assert printed[user["name"]] == user["password"]
            assert len(user["password"]) >= 12

    open_to_others = {
        str(path.relative_to(state)): f"{stat.S_IMODE(path.stat().st_mode):o}"
        for path in [state, *state.rglob("*")]
        if stat.S_IMODE(path.stat().st_mode) != (0o700 if path.is_dir() else 0o600)
    }
    assert open_to_others == {}
    assert {"directory/signing.key.pem", "directory/directory.db", "vpcp/node.db", "network.json"} <= {
        str(path.relative_to(state)) for path in state.rglob("*")
    }

    _resumes_with_the_printed_logins(state, described)


def _resumes_with_the_printed_logins(state: Path, first: dict[str, object]) -> None:
    process = subprocess.Popen(
        _command(state, "--documents", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
        bufsize=0,
    )
    try:
        out = text(read_until(process, "The network is running", timeout=120))
        assert "The network is running" in out, out[-3000:]
        assert "Resuming the network in" in out
        assert "PKI" not in out
        assert f"--state-dir {state} to resume" in out
        described = json.loads((state / "network.json").read_text(encoding="utf-8"))
        assert described["portal"] == first["portal"]  # the same admin, the same ports
        kept = {u["name"]: u["password"] for n in described["nodes"] for u in n["console"]["users"]}
        assert _printed_logins(out) == kept  # the same users as the first run
        console = re.search(r"Bộ Nội vụ \(.*\n  Console: (\S+)", out)
        assert console, out
        portal = re.search(r"Statistics portal: (\S+)  admin demo-admin, login token (\S+)", out)
        assert portal, out
        verify = client_context(anchors=Path(described["trust_anchor"]))
        with httpx.Client(verify=verify, timeout=30) as browser:
            form = browser.get(f"{console[1]}login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf, form.text
            user = "vanthu.000.00.00.G09"
            credentials = {"user": user, "password": _printed_logins(out)[user], "csrf": csrf[1]}
            login = browser.post(f"{console[1]}login", data=credentials)
            assert login.status_code == 303, login.text
            assert browser.get(f"{console[1]}inbox").status_code == 200

        with httpx.Client(verify=verify, timeout=30) as browser:
            login = browser.post(f"{portal[1]}login", data={"token": portal[2]})
            assert login.status_code == 303, login.text
            admin = browser.get(f"{portal[1]}admin?lang=en")
            assert admin.status_code == 200
            assert "Signed in as <strong>demo-admin</strong>" in admin.text

            def documents() -> str:
                page = browser.get(portal[1]).text
                found = re.search(r'id="total-documents">([^<]*)<', page)
                return found[1] if found else ""

            # The first run's twenty documents, reported within seconds of its traffic.
            assert wait_for(lambda: documents() == "20", timeout=30), documents()
            page = browser.get(f"{portal[1]}?lang=en").text
            for name in ("vpcp", "bo-noi-vu", "ha-noi"):
                assert re.search(rf'id="state-{name}">reporting<', page), page
    finally:
        stop(process)


def test_a_state_dir_that_cannot_be_resumed_says_what_to_do_in_one_line(tmp_path: Path) -> None:
    state = tmp_path / "state"
    (state / "pki").mkdir(parents=True)  # a PKI, but no network.json: not a demo's whole state
    done = subprocess.run(
        _command(state, "--documents", "1", "--exit"), capture_output=True, timeout=120, check=False
    )
    assert done.returncode != 0
    error = done.stderr.decode().strip()
    assert error.count("\n") == 0, error
    assert "Cannot resume the network" in error
    assert "use an empty --state-dir" in error
    assert "Traceback" not in error


def test_resuming_a_network_whose_port_is_taken_says_what_to_do_in_one_line(tmp_path: Path) -> None:
    state = tmp_path / "state"
    (state / "pki").mkdir(parents=True)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        node = {
            "url": "https://127.0.0.1:1", "api": {"token": "t"}, "vxp": {"systemid": "s", "secret": "x"},
            "console": {"users": []},
        }  # fmt: skip
        kept = {
            "directory": {"url": f"https://127.0.0.1:{port}"},
            "portal": {"token": "ltadm_x"},
            "nodes": [{"name": name, **node} for name in ("vpcp", "bo-noi-vu", "ha-noi")],
        }
        (state / "network.json").write_text(json.dumps(kept), encoding="utf-8")
        done = subprocess.run(
            _command(state, "--documents", "1", "--exit"), capture_output=True, timeout=120, check=False
        )
    assert done.returncode != 0
    error = done.stderr.decode().strip()
    assert error.count("\n") == 0, error
    assert f"Port {port} (directory) is taken" in error
    assert "Stop it and run again" in error
