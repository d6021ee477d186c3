"""Enrolment by request on loopback, against the demo network (a directory and three nodes, each
its own process, over real mutual TLS): `node csr` → `pki sign-csr` → `node certs install`
registers the binding with the running directory, and the node serves with its new certificate.
Each refusal (mismatched key, wrong
profile, expired, bad chain) is one line and exit 1, and changes nothing."""

from __future__ import annotations

import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from typer.testing import CliRunner, Result

from lienthong.cli._app import app
from lienthong.demo import DemoNetwork, start_network, wait_for
from lienthong.directory import AdminFile, Scope
from lienthong.node import NodeHome
from lienthong.store import DirectoryStore, NodeAudit, open_database
from lienthong.trust import (
    CertificateProfile,
    CertificateRequest,
    Pki,
    RequestSubject,
    load_certificate,
    read_request,
)
from support.pki import build_pki
from support.softhsm import Token

G22 = "000.00.00.G22"


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoNetwork]:
    running = start_network(tmp_path_factory.mktemp("enrol") / "state")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def token_file(network: DemoNetwork) -> Path:
    """A directory admin who may change nodes and certificate bindings (0600, as a secret is)."""
    scopes = frozenset({Scope.NODES_WRITE, Scope.CERTIFICATES_WRITE})
    _admin, token = AdminFile.in_home(network.state / "directory").add("enrol", scopes, at=datetime.now(UTC))
    path = network.state / "enrol.token"
    path.write_text(token + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def _home(network: DemoNetwork, name: str = "vpcp") -> Path:
    return next(n.home for n in network.nodes if n.plan.name == name)


def _cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"LIENTHONG_LANG": "en"})


def _lienthong(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The whole command line in its own process: how its errors read."""
    env = {**os.environ, "LIENTHONG_LANG": "en"}
    command = [sys.executable, "-m", "lienthong.cli", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)


def _admin_get(network: DemoNetwork, token_file: Path, path: str) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token_file.read_text().strip()}"}
    verify = ssl.create_default_context(cafile=str(network.root))
    with httpx.Client(verify=verify, headers=headers, timeout=30.0) as client:
        response = client.get(f"{network.directory_url}{path}")
    response.raise_for_status()
    found: dict[str, object] = response.json()
    return found


def _served_certificate(url: str, home: Path) -> x509.Certificate:
    """The certificate the node presents at ``url`` (the handshake as a peer makes it)."""
    node = NodeHome.load(home)
    context = ssl.create_default_context(cafile=str(node.directory_tls_anchors))
    fullchain = home / "run" / "test-client.pem"
    fullchain.write_bytes(b"".join(p.read_bytes() for p in (node.certificate_path, *node.chain_paths)))
    context.load_cert_chain(str(fullchain), str(node.key_path))
    parts = urlsplit(url)
    with (
        socket.create_connection((parts.hostname, parts.port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def _actions(home: Path) -> list[tuple[str, str]]:
    database = open_database(NodeHome.load(home).database_url)
    try:
        with NodeAudit.begin(database) as audit:
            return [
                (e.action, e.target) for e in reversed(audit.entries()) if e.action.startswith("certificate-")
            ]
    finally:
        database.close()


def _enrol(home: Path, pki: Path, purpose: str, profile: str, out: Path) -> Path:
    made = _cli("node", "csr", "--home", home, "--for", purpose)
    assert made.exit_code == 0, made.output
    request = home / "requests" / f"{purpose.replace(':', '-')}.csr.pem"
    assert request.is_file()
    assert (home / "requests" / f"{purpose.replace(':', '-')}.key.pem").stat().st_mode & 0o077 == 0
    signed = _cli("pki", "sign-csr", request, "--ca", pki, "-o", out, "--profile", profile)
    assert signed.exit_code == 0, signed.output
    return request


def test_a_node_enrols_its_tls_certificate_and_serves_with_it(network: DemoNetwork, token_file: Path) -> None:
    home, pki = _home(network), network.state / "pki"
    cert = network.state / "vpcp-new-tls.pem"
    _enrol(home, pki, "tls", "tls", cert)
    node = NodeHome.load(home)
    old = load_certificate(node.certificate_path)
    done = _cli("node", "certs", "install", "--home", home, cert, "--admin-token-file", token_file)
    assert done.exit_code == 0, done.output
    assert "/v1/admin/nodes" in done.output

    new = load_certificate(node.certificate_path)
    assert new == load_certificate(cert) and new != old
    assert load_certificate(node.certificate_path.with_name(node.certificate_path.name + ".previous")) == old
    for path in (node.key_path, node.home / "node.json"):
        assert path.stat().st_mode & 0o077 == 0
    assert not (home / "requests" / "tls.key.pem").exists()  # one copy of the key, in place
    entry = _admin_get(network, token_file, "/v1/admin/nodes/vpcp")
    assert entry["tls_certificate_pem"] == new.public_bytes(Encoding.PEM).decode("ascii")
    assert entry["serves"] == [G22]  # its subtrees kept

    running = next(n for n in network.nodes if n.plan.name == "vpcp")
    running.process.stop()
    running.process.urls.clear()
    running.url, running.api_url = running.process.start(lines=2)
    assert _served_certificate(running.url, home) == new
    assert _actions(home)[-3:] == [
        ("certificate-request", "tls"),
        ("certificate-install", "tls"),
        ("certificate-register", "tls"),
    ]


def test_a_next_tls_certificate_is_published_beside_the_current_one_then_activated(
    network: DemoNetwork, token_file: Path
) -> None:
    home, pki = _home(network, "bo-noi-vu"), network.state / "pki"
    running = next(n for n in network.nodes if n.plan.name == "bo-noi-vu")
    node = NodeHome.load(home)
    old = load_certificate(node.certificate_path)
    cert = network.state / "bo-noi-vu-next-tls.pem"
    _enrol(home, pki, "tls", "tls", cert)
    new = load_certificate(cert)
    # 1. Kept as the next one: nothing in place changes; the directory publishes it beside the old.
    kept = _cli("node", "certs", "install", "--home", home, cert, "--next", "--admin-token-file", token_file)
    assert kept.exit_code == 0, kept.output
    assert load_certificate(node.certificate_path) == old
    assert load_certificate(home / "next-tls" / "certificate.pem") == new
    assert (home / "next-tls" / "key.pem").stat().st_mode & 0o077 == 0
    assert not (home / "requests" / "tls.key.pem").exists()
    entry = _admin_get(network, token_file, "/v1/admin/nodes/bo-noi-vu")
    assert entry["tls_certificate_pem"] == old.public_bytes(Encoding.PEM).decode("ascii")
    assert entry["next_tls_certificate_pem"] == new.public_bytes(Encoding.PEM).decode("ascii")
    assert _served_certificate(running.url, home) == old

    # 2. Activated: in place, current in the directory; the serving node takes it as it runs.
    done = _cli("node", "certs", "activate", "--home", home, "--admin-token-file", token_file)
    assert done.exit_code == 0, done.output
    assert load_certificate(node.certificate_path) == new
    assert not (home / "next-tls").exists()
    entry = _admin_get(network, token_file, "/v1/admin/nodes/bo-noi-vu")
    assert entry["tls_certificate_pem"] == new.public_bytes(Encoding.PEM).decode("ascii")
    assert entry["next_tls_certificate_pem"] is None
    assert wait_for(lambda: _served_certificate(running.url, home) == new, timeout=60)
    assert _actions(home)[-5:] == [
        ("certificate-request", "tls"),
        ("certificate-install-next", "tls"),
        ("certificate-register-next", "tls"),
        ("certificate-activate", "tls"),
        ("certificate-register", "tls"),
    ]
    # 3. Nothing waits any more: one line, exit 1.
    _one_line_refusal(_lienthong("node", "certs", "activate", "--home", home), "no next TLS certificate")


def test_an_agency_signing_certificate_is_bound_beside_the_old_one(
    network: DemoNetwork, token_file: Path
) -> None:
    home, pki = _home(network), network.state / "pki"
    cert = network.state / "g22-new.pem"
    request = _enrol(home, pki, f"agency:{G22}", "agency", cert)
    assert read_request(request.read_bytes(), CertificateProfile.AGENCY).subject.name == "Văn phòng Chính phủ"
    done = _cli("node", "certs", "install", "--home", home, cert, "--admin-token-file", token_file)
    assert done.exit_code == 0, done.output
    assert "/v1/admin/certificates" in done.output
    settings = json.loads((home / "node.json").read_text(encoding="utf-8"))
    assert load_certificate(home / settings["signers"][G22]["certificate"]) == load_certificate(cert)
    # The directory's own records: both the old and the new certificate may sign for G22.
    registry = open_database(f"sqlite:///{network.state / 'directory' / 'directory.db'}")
    try:
        with DirectoryStore.begin(registry) as store:
            codes = [b.code for b in store.bindings()]
    finally:
        registry.close()
    assert codes.count(G22) == 2


def test_without_a_token_it_prints_what_the_directory_admin_must_do(network: DemoNetwork) -> None:
    home, pki = _home(network, "bo-noi-vu"), network.state / "pki"
    cert = network.state / "g09-new.pem"
    _enrol(home, pki, "agency:000.00.00.G09", "agency", cert)
    done = _cli("node", "certs", "install", "--home", home, cert)
    assert done.exit_code == 0, done.output
    assert "lienthong directory certificates bind 000.00.00.G09 " in done.output


def _one_line_refusal(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr


def test_refusals_are_one_line_and_change_nothing(network: DemoNetwork, tmp_path: Path) -> None:
    home, pki_home = _home(network, "ha-noi"), network.state / "pki"
    pki = Pki(pki_home)
    made = _cli("node", "csr", "--home", home, "--for", "tls")
    assert made.exit_code == 0, made.output
    request = home / "requests" / "tls.csr.pem"
    before = (home / "node.json").read_bytes(), NodeHome.load(home).certificate_path.read_bytes()

    # The CA refuses a request for another profile.
    _one_line_refusal(
        _lienthong(
            "pki", "sign-csr", request, "--ca", pki_home, "-o", tmp_path / "x.pem", "--profile", "agency"
        ),
        "does not fit the agency profile",
    )
    # A certificate for a key no request was made for.
    other = pki.issue_node("stranger", at=datetime.now(UTC))
    _one_line_refusal(
        _lienthong("node", "certs", "install", "--home", home, other.cert_path),
        "matches the key of no waiting request",
    )
    # Expired: issued for the right key, but long ago.
    checked = read_request(request.read_bytes(), CertificateProfile.TLS)
    expired, _ = pki.issue_request(
        checked, at=datetime.now(UTC) - timedelta(days=30), days=2, name="ha-noi-old"
    )
    expired_path = tmp_path / "expired.pem"
    expired_path.write_bytes(expired.public_bytes(Encoding.PEM))
    _one_line_refusal(_lienthong("node", "certs", "install", "--home", home, expired_path), "not valid now")
    # Wrong profile: the right key, certified by the network's CA as a seal, not for TLS.
    seal = CertificateRequest(
        RequestSubject(CertificateProfile.SEAL, "ha-noi"), checked.public_key, checked.csr
    )
    sealed, _ = pki.issue_request(seal, at=datetime.now(UTC), name="ha-noi-as-seal")
    sealed_path = tmp_path / "sealed.pem"
    sealed_path.write_bytes(sealed.public_bytes(Encoding.PEM))
    _one_line_refusal(
        _lienthong("node", "certs", "install", "--home", home, sealed_path), "not usable for tls"
    )
    # Bad chain: the right key, certified by a CA the network does not trust.
    foreign = build_pki(tmp_path / "foreign", at=datetime.now(UTC), name="Foreign")
    alien, _ = foreign.issue_request(checked, at=datetime.now(UTC), name="ha-noi")
    alien_path = tmp_path / "alien.pem"
    alien_path.write_bytes(alien.public_bytes(Encoding.PEM))
    _one_line_refusal(
        _lienthong("node", "certs", "install", "--home", home, alien_path), "does not chain to the network's"
    )
    assert ((home / "node.json").read_bytes(), NodeHome.load(home).certificate_path.read_bytes()) == before
    assert (home / "requests" / "tls.json").is_file()  # still waiting for a good certificate


def test_an_agency_key_made_in_a_token_never_leaves_it(
    network: DemoNetwork, token_file: Path, softhsm: Token, tmp_path: Path
) -> None:
    # The session's token (SoftHSM reads its configuration once a process); a new object in it.
    uri = (
        f"pkcs11:token={softhsm.label};object=h26-{secrets.token_hex(4)}"
        f"?pin-source=file:{softhsm.pin_file}&module-path={softhsm.module}"
    )
    home, pki = _home(network, "ha-noi"), network.state / "pki"
    made = _cli("node", "csr", "--home", home, "--for", "agency:000.00.00.H26", "--key", uri)
    assert made.exit_code == 0, made.output
    assert not (home / "requests" / "agency-000.00.00.H26.key.pem").exists()
    cert = tmp_path / "h26.pem"
    request = home / "requests" / "agency-000.00.00.H26.csr.pem"
    signed = _cli("pki", "sign-csr", request, "--ca", pki, "-o", cert, "--profile", "agency")
    assert signed.exit_code == 0, signed.output
    done = _cli("node", "certs", "install", "--home", home, cert, "--admin-token-file", token_file)
    assert done.exit_code == 0, done.output

    settings = json.loads((home / "node.json").read_text(encoding="utf-8"))
    assert settings["signers"]["000.00.00.H26"]["key"] == uri  # named, not copied
    signer = NodeHome.load(home).agency_signers()["000.00.00.H26"]
    try:
        assert signer.certificate == load_certificate(cert)  # the token key matches the certificate
    finally:
        signer.close()


def test_a_seal_certificate_is_put_where_node_json_names_the_seal(
    network: DemoNetwork, token_file: Path
) -> None:
    home, pki = _home(network, "bo-noi-vu"), network.state / "pki"
    cert = network.state / "bo-noi-vu-seal.pem"
    _enrol(home, pki, "seal", "seal", cert)
    done = _cli("node", "certs", "install", "--home", home, cert, "--admin-token-file", token_file)
    assert done.exit_code == 0, done.output
    seal = json.loads((home / "node.json").read_text(encoding="utf-8"))["seal"]
    assert seal == {"key": "seal.key.pem", "certificate": "seal.pem"}
    assert load_certificate(home / "seal.pem") == load_certificate(cert)
    assert (home / "seal.key.pem").stat().st_mode & 0o077 == 0
    assert ("certificate-install", "seal") in _actions(home)
    # Bound to the node in the directory, beside its TLS certificate (kept): peers take its seal.
    assert "/v1/admin/nodes" in done.output and ("certificate-register", "seal") in _actions(home)
    entry = _admin_get(network, token_file, "/v1/admin/nodes/bo-noi-vu")
    assert entry["seal_certificate_pem"] == load_certificate(cert).public_bytes(Encoding.PEM).decode("ascii")
    tls = load_certificate(NodeHome.load(home).certificate_path).public_bytes(Encoding.PEM).decode("ascii")
    assert entry["tls_certificate_pem"] == tls


def test_a_request_that_cannot_be_made_is_one_line(network: DemoNetwork) -> None:
    home = _home(network, "vpcp")
    _one_line_refusal(_lienthong("node", "csr", "--home", home, "--for", "agency"), "invalid purpose")
    token_tls = _lienthong("node", "csr", "--home", home, "--for", "tls", "--key", "pkcs11:token=t;object=o")
    _one_line_refusal(token_tls, "the TLS key must be a file")
