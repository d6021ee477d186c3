"""Revocation lists in the directory: every CRL of a file is taken, each checked against the
anchors; no configuration is published while a CRL the policy requires is missing."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from directory.directory_servers import Clock, running_directory
from lienthong._i18n import Message
from lienthong.directory import (
    VERSION_HEADER,
    AdminFile,
    ConfigurationIncomplete,
    ConfigurationPublisher,
    DirectoryConflict,
    DirectoryKeyError,
    DirectoryRegistry,
    Scope,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.trust import Pki
from support.pki import Agency, Tls, build_pki

NOW = datetime.now(UTC).replace(microsecond=0)
AGENCY = "000.00.00.G22"
LIENTHONG = Path(sys.executable).with_name("lienthong")


@dataclass(frozen=True)
class Cas:
    pki: Pki
    foreign: Pki

    @property
    def issuing(self) -> str:
        return self.pki.issuing.subject.rfc4514_string()

    @property
    def root(self) -> str:
        return self.pki.root.subject.rfc4514_string()

    def crls(self, at: datetime) -> list[x509.CertificateRevocationList]:
        """Fresh CRLs (issuing CA's, then root's) issued at ``at``, as ``pki crl`` writes them."""
        path = self.pki.write_crl(at=at)
        return [x509.load_pem_x509_crl(block) for block in _blocks(path.read_bytes())]


def _blocks(pem: bytes) -> list[bytes]:
    end = b"-----END X509 CRL-----"
    return [part.strip() + b"\n" + end + b"\n" for part in pem.split(end) if part.strip()]


def _pem(*crls: x509.CertificateRevocationList) -> bytes:
    return b"".join(crl.public_bytes(Encoding.PEM) for crl in crls)


@pytest.fixture(scope="module")
def cas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cas]:
    home = tmp_path_factory.mktemp("crl-pki")
    agency = Agency(AGENCY, "Văn phòng Chính phủ")
    pki = build_pki(home / "pki", at=NOW - timedelta(days=2), name="CRL Test", agencies=[agency])
    foreign = build_pki(home / "foreign", at=NOW - timedelta(days=2), name="Foreign")
    yield Cas(pki, foreign)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def registry(database_url: str, cas: Cas) -> Iterator[DirectoryRegistry]:
    with DirectoryRegistry.open(database_url, clock=lambda: NOW) as opened:
        opened.initialize(actor="setup")
        opened.add_anchor(cas.pki.root_path.read_text(encoding="ascii"), actor="setup")
        certificate = cas.pki.issued(AGENCY).cert_path.read_text(encoding="ascii")
        opened.bind_certificate(AGENCY, certificate, actor="setup")
        yield opened


def _issuing_pem(cas: Cas) -> bytes:
    return cas.pki.issuing_path.read_bytes()


def test_a_file_with_two_crls_adds_both(registry: DirectoryRegistry, cas: Cas) -> None:
    issuing, root = cas.crls(NOW - timedelta(hours=1))
    recorded = registry.add_crls(_pem(issuing, root), actor="admin", cas=[_issuing_pem(cas)])
    assert [(crl.issuer, changed) for crl, changed in recorded] == [(cas.issuing, True), (cas.root, True)]
    assert sorted(crl.issuer for crl in registry.snapshot().crls) == sorted([cas.issuing, cas.root])
    assert registry.missing_crls() == ()


def test_a_der_crl_is_taken(registry: DirectoryRegistry, cas: Cas) -> None:
    _, root = cas.crls(NOW - timedelta(hours=1))
    ((crl, changed),) = registry.add_crls(root.public_bytes(Encoding.DER), actor="admin")
    assert changed and crl.issuer == cas.root


def test_crl_of_an_unknown_ca_refused_and_nothing_stored(registry: DirectoryRegistry, cas: Cas) -> None:
    issuing, root = cas.crls(NOW - timedelta(hours=1))
    with pytest.raises(DirectoryKeyError, match="Issuing CA") as unknown:
        registry.add_crls(_pem(root, issuing), actor="admin")  # the issuing CA not given with --ca
    assert isinstance(unknown.value.message, Message)
    assert unknown.value.message.code == "directory-crl-signer-unknown"
    assert unknown.value.message.params["issuer"] == cas.issuing
    assert registry.snapshot().crls == (), "a refused file was half stored"
    foreign = cas.foreign.write_crl(at=NOW - timedelta(hours=1)).read_bytes()
    with pytest.raises(DirectoryKeyError):
        registry.add_crls(foreign, actor="admin", cas=[cas.foreign.issuing_path.read_bytes()])


def test_older_crl_refused_newer_replaces_same_unchanged(registry: DirectoryRegistry, cas: Cas) -> None:
    old = cas.crls(NOW - timedelta(hours=2))
    new = cas.crls(NOW - timedelta(hours=1))
    issuing = [_issuing_pem(cas)]
    registry.add_crls(_pem(*old), actor="admin", cas=issuing)
    assert all(changed for _, changed in registry.add_crls(_pem(*new), actor="admin", cas=issuing))
    assert not any(changed for _, changed in registry.add_crls(_pem(*new), actor="admin", cas=issuing))
    with pytest.raises(DirectoryConflict, match="Root CA") as older:
        registry.add_crls(_pem(old[1]), actor="admin")
    assert isinstance(older.value.message, Message) and older.value.message.code == "directory-crl-not-newer"
    held = {crl.issuer: crl.this_update for crl in registry.snapshot().crls}
    assert held[cas.root] == new[1].last_update_utc


def test_publishing_without_a_needed_crl_is_refused_and_names_the_ca(
    registry: DirectoryRegistry, cas: Cas
) -> None:
    issuing, _ = cas.crls(NOW - timedelta(hours=1))
    registry.add_crls(_pem(issuing), actor="admin", cas=[_issuing_pem(cas)])
    assert registry.missing_crls() == (cas.root,)
    publisher = ConfigurationPublisher(
        registry, generate_directory_key("test"), directory="test", clock=lambda: NOW
    )
    with pytest.raises(ConfigurationIncomplete, match="Root CA") as refused:
        asyncio.run(publisher.publish())
    assert refused.value.issuers == (cas.root,)
    assert isinstance(refused.value.message, Message)
    assert refused.value.message.code == "directory-configuration-crls-missing"
    assert refused.value.render("vi").startswith("Không phát hành cấu hình: thiếu CRL còn hiệu lực của")
    assert refused.value.render("en").startswith("Configuration not published: no current CRL of")


def test_expired_crl_counts_as_missing(registry: DirectoryRegistry, cas: Cas) -> None:
    registry.add_crls(_pem(*cas.crls(NOW - timedelta(days=1))), actor="admin", cas=[_issuing_pem(cas)])
    assert registry.missing_crls(at=NOW + timedelta(days=7)) == tuple(sorted([cas.issuing, cas.root]))


def test_config_build_refused_keeps_the_file(database_url: str, cas: Cas, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LIENTHONG_DIRECTORY_DB": database_url,
        "LIENTHONG_ACTOR": "tester",
        "LIENTHONG_LANG": "en",
    }
    key, cert, out = tmp_path / "k.pem", tmp_path / "c.pem", tmp_path / "net.conf"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(LIENTHONG), "directory", *args],
            check=False,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run("init").returncode == 0
    assert run("anchors", "add", str(cas.pki.root_path)).returncode == 0
    assert run("config", "keygen", "--key", str(key), "--cert", str(cert)).returncode == 0
    assert run("config", "build", "-o", str(out), "--key", str(key), "--cert", str(cert)).returncode == 0
    before = out.read_bytes()
    crl = tmp_path / "issuing.crl"
    crl.write_bytes(_pem(cas.crls(datetime.now(UTC) - timedelta(minutes=5))[0]))
    added = run("crls", "add", str(crl), "--ca", str(cas.pki.issuing_path))
    assert added.returncode == 0, added.stderr
    assert cas.root in added.stderr, "crls add did not say which CRL publishing still needs"
    unknown = run("crls", "add", str(crl))  # the issuing CA not given: its CRL cannot be checked
    assert unknown.returncode == 1 and len(unknown.stderr.strip().splitlines()) == 1
    assert cas.issuing in unknown.stderr and "--ca" in unknown.stderr
    built = run("config", "build", "-o", str(out), "--key", str(key), "--cert", str(cert))
    assert built.returncode == 1
    assert cas.root in built.stderr and "Traceback" not in built.stderr
    assert len(built.stderr.strip().splitlines()) == 1
    assert out.read_bytes() == before, "a refused build replaced the configuration published before"


def test_service_keeps_serving_the_last_configuration(
    database_url: str, tmp_path: Path, tls: Tls, cas: Cas
) -> None:
    clock = Clock(NOW)
    with running_directory(database_url, tmp_path / "home", tls, clock=clock) as directory:
        registry = directory.registry
        registry.add_anchor(cas.pki.root_path.read_text(encoding="ascii"), actor="setup")
        anchor = directory.key.anchor(directory="lienthong")
        with tls.client() as client:
            first = client.get(f"{directory.url}/v1/config")
            assert first.status_code == 200, first.text
            issuing, root = cas.crls(NOW - timedelta(hours=1))
            registry.add_crls(_pem(issuing), actor="admin", cas=[_issuing_pem(cas)])
            held = client.get(f"{directory.url}/v1/config")
            assert held.status_code == 200, held.text
            assert held.headers[VERSION_HEADER] == first.headers[VERSION_HEADER]
            assert held.content == first.content, "the previous configuration was not kept in force"
            registry.add_crls(_pem(root), actor="admin")
            fixed = client.get(f"{directory.url}/v1/config")
        assert int(fixed.headers[VERSION_HEADER]) > int(first.headers[VERSION_HEADER])
        configuration = verify_configuration(fixed.content, anchor, at=NOW)
        assert sorted(c.issuer for c in configuration.content.crls) == sorted([cas.issuing, cas.root])


def test_service_with_nothing_to_fall_back_on_answers_a_problem_naming_the_ca(
    database_url: str, tmp_path: Path, tls: Tls, cas: Cas
) -> None:
    with running_directory(database_url, tmp_path / "home", tls, clock=Clock(NOW)) as directory:
        directory.registry.add_anchor(cas.pki.root_path.read_text(encoding="ascii"), actor="setup")
        issuing, _ = cas.crls(NOW - timedelta(hours=1))
        directory.registry.add_crls(_pem(issuing), actor="admin", cas=[_issuing_pem(cas)])
        with tls.client() as client:
            answer = client.get(f"{directory.url}/v1/config")
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["code"] == "configuration-incomplete"
    assert cas.root in answer.json()["message"]


def test_admin_api_takes_every_crl_with_the_issuing_ca(
    database_url: str, tmp_path: Path, tls: Tls, cas: Cas
) -> None:
    clock = Clock(NOW)
    with running_directory(database_url, tmp_path / "home", tls, clock=clock) as directory:
        _, token = AdminFile.in_home(tmp_path / "home").add("trustee", frozenset({Scope.TRUST_WRITE}), at=NOW)
        directory.registry.add_anchor(cas.pki.root_path.read_text(encoding="ascii"), actor="setup")
        issuing, root = cas.crls(NOW - timedelta(hours=1))
        body = {"crl_pem": _pem(issuing, root).decode(), "ca_pem": _issuing_pem(cas).decode()}
        with tls.client() as client:
            answer = client.post(
                f"{directory.url}/v1/admin/crls", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            unknown = client.post(
                f"{directory.url}/v1/admin/crls",
                json={"crl_pem": body["crl_pem"]},
                headers={"Authorization": f"Bearer {token}"},
            )
    assert answer.status_code == 201, answer.text
    assert [c["issuer"] for c in answer.json()["crls"]] == [cas.issuing, cas.root]
    assert answer.json()["missing"] == []
    assert unknown.status_code == 422, "an issuing CA's CRL taken without its certificate"
    assert unknown.json()["code"] == "directory-key" and cas.issuing in unknown.json()["message"]


def test_a_configuration_with_a_gap_says_so_in_its_summary(registry: DirectoryRegistry, cas: Cas) -> None:
    issuing, _ = cas.crls(NOW - timedelta(hours=1))
    registry.add_crls(_pem(issuing), actor="admin", cas=[_issuing_pem(cas)])
    key = generate_directory_key("test")
    data = build_configuration(registry.snapshot(), key, directory="test", issued_at=NOW)  # no check here
    configuration = verify_configuration(data, key.anchor(directory="test"), at=NOW)
    assert configuration.revocation_gaps == (cas.root,)
    assert f'crl_gaps="{cas.root}"' in configuration.summary()
