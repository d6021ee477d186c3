"""``diagnose``: each check reports what a real home, real servers on loopback and the test PKI
show: a healthy home passes; an expiring certificate warns; a revoked one, an unreachable peer,
a database behind the code, a clock ten minutes off fail."""

from __future__ import annotations

import dataclasses
import hashlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.codes import default_registry
from lienthong.directory import (
    AgencyEntry,
    CertificateBinding,
    DirectoryKey,
    DirectorySnapshot,
    NodeEntry,
    RevocationList,
    TrustAnchor,
    build_configuration,
    generate_directory_key,
)
from lienthong.net import capture_peer_certificates, serve_in_thread, server_context
from lienthong.node import (
    Diagnosis,
    Finding,
    NodeHome,
    NodeRuntime,
    Severity,
    create_peer_app,
    diagnose,
    init_home,
)
from lienthong.store import migrate, open_database
from lienthong.trust import Pki, load_crls, serve_pki
from support.pki import Agency, build_pki

HEALTHY = "000.00.00.G22"
EXPIRING = "000.00.00.H42"  # its certificate ends in 20 days
REVOKED = "000.00.00.H41"
PEERS = ("vpcp", "nghe-an", "bo-nganh")


@dataclass
class DoctorNetwork:
    base: Path
    pki: Pki
    key: DirectoryKey
    anchor: Path
    #: nghe-an's peer endpoint, served for real; bo-nganh's port is closed.
    peer_url: str
    closed_url: str
    ocsp_url: str

    def configuration(self, *, crls: bool = True) -> bytes:
        """A signed configuration: the three nodes, the bindings, the root, the PKI's CRLs."""
        bindings = []
        for code in (HEALTHY, EXPIRING, REVOKED):
            pem = self.pki.issued(code).certificate.public_bytes(Encoding.PEM).decode("ascii")
            bindings.append(CertificateBinding(_fingerprint(pem), code, pem))
        urls = {"vpcp": "https://127.0.0.1:1", "nghe-an": self.peer_url, "bo-nganh": self.closed_url}
        root = self.pki.root
        revocations = tuple(
            RevocationList(
                issuer=crl.issuer.rfc4514_string(),
                fingerprint=hashlib.sha256(crl.public_bytes(Encoding.DER)).hexdigest(),
                crl_pem=crl.public_bytes(Encoding.PEM).decode("ascii"),
                this_update=crl.last_update_utc,
                next_update=crl.next_update_utc,
            )
            for crl in load_crls([self.pki.crl_path])
        )
        snapshot = DirectorySnapshot(
            version=2,
            agencies=tuple(AgencyEntry.of(record) for record in default_registry()),
            nodes=tuple(NodeEntry(name, urls[name], None, ()) for name in PEERS),
            bindings=tuple(bindings),
            anchors=(
                TrustAnchor(
                    hashlib.sha256(root.public_bytes(Encoding.DER)).hexdigest(),
                    root.subject.rfc4514_string(),
                    root.public_bytes(Encoding.PEM).decode("ascii"),
                ),
            ),
            crls=revocations if crls else (),
        )
        issued = datetime.now(UTC) - timedelta(hours=1)
        return build_configuration(snapshot, self.key, directory="test", issued_at=issued)

    def home(self, folder: Path, agencies: tuple[str, ...]) -> NodeHome:
        """A fresh home for node vpcp in ``folder``, signing for ``agencies``, its database migrated."""
        configuration = folder / "configuration.json"
        configuration.write_bytes(self.configuration())
        home = init_home(
            folder / "vpcp", name="vpcp", anchor=self.anchor, at=datetime.now(UTC), pki=self.pki.home,
            agencies=agencies, configuration=configuration,
        )  # fmt: skip
        with open_database(home.database_url) as database:
            migrate(database)
        return home


def _fingerprint(pem: str) -> str:
    certificate = x509.load_pem_x509_certificate(pem.encode())
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def _closed_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return int(free.getsockname()[1])


@pytest.fixture(scope="module")
def doctor_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoctorNetwork]:
    base = tmp_path_factory.mktemp("doctor")
    now = datetime.now(UTC)
    pki = build_pki(
        base / "pki", at=now - timedelta(days=1), name="Doctor",
        agencies=(
            Agency(EXPIRING, "UBND Ninh Bình", days=20),
            Agency(REVOKED, "UBND tỉnh Nghệ An", revoked=timedelta(days=1)),
        ),
        nodes=PEERS,
    )  # fmt: skip
    key = generate_directory_key("doctor directory", not_before=now - timedelta(days=1))
    anchor = base / "anchor.json"
    anchor.write_text(key.anchor(directory="test").to_json(), encoding="utf-8")
    with serve_pki(pki) as services:
        # The healthy agency's certificate names the running OCSP responder.
        pki.issue_agency(
            HEALTHY, "Văn phòng Chính phủ", at=now - timedelta(days=1), ocsp_url=services.ocsp_url
        )
        placeholder = DoctorNetwork(base, pki, key, anchor, "https://127.0.0.1:1", "", services.ocsp_url)
        configuration = base / "configuration.json"
        configuration.write_bytes(placeholder.configuration())
        peer_home = init_home(
            base / "nghe-an", name="nghe-an", anchor=anchor, at=now, pki=pki.home, configuration=configuration
        )
        with NodeRuntime(peer_home) as runtime:
            tls = server_context(
                certificate=runtime.fullchain(), key=peer_home.key_path, client_anchors=runtime.anchors_file()
            )
            capture_peer_certificates(tls)
            peer = serve_in_thread(create_peer_app(runtime.node), tls)
            try:
                yield dataclasses.replace(
                    placeholder, peer_url=peer.url, closed_url=f"https://127.0.0.1:{_closed_port()}"
                )
            finally:
                peer.stop()


def _of(diagnosis: Diagnosis, code: str) -> list[Finding]:
    return [f for f in diagnosis.findings if f.code == code]


def _certificate(diagnosis: Diagnosis, subject: str) -> Finding:
    return next(f for f in _of(diagnosis, "certificate") if f.message.params["subject"] == subject)


def test_a_healthy_home_passes_every_check_but_the_closed_peer(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    diagnosis = diagnose(home, timeout=5)
    codes = {f.code for f in diagnosis.findings}
    assert {"configuration", "migrations", "certificate", "peer", "ocsp"} <= codes
    assert [f.severity for f in _of(diagnosis, "configuration")] == [Severity.OK]
    assert [f.severity for f in _of(diagnosis, "migrations")] == [Severity.OK]
    assert all(f.severity is Severity.OK for f in _of(diagnosis, "certificate"))
    roles = {f.message.params["role"].code for f in _of(diagnosis, "certificate")}  # type: ignore[union-attr]
    assert roles == {
        "doctor-role-tls", "doctor-role-chain", "doctor-role-signer",
        "doctor-role-configuration-signing", "doctor-role-anchor",
    }  # fmt: skip
    peers = {f.message.params["peer"]: f.severity for f in _of(diagnosis, "peer")}
    assert peers == {"nghe-an": Severity.OK, "bo-nganh": Severity.FAIL}  # itself is not asked
    assert [(f.severity, f.message.params["url"]) for f in _of(diagnosis, "ocsp")] == [
        (Severity.OK, doctor_network.ocsp_url)
    ]
    assert diagnosis.failed  # the closed peer


def test_an_expiring_certificate_warns_and_a_revoked_one_fails(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (EXPIRING, REVOKED))
    diagnosis = diagnose(home, timeout=5)
    expiring = _certificate(diagnosis, "UBND Ninh Bình")
    assert expiring.severity is Severity.WARN and expiring.message.params["days"] in (18, 19)
    revoked = _certificate(diagnosis, "UBND tỉnh Nghệ An")
    assert revoked.severity is Severity.FAIL and revoked.message.code == "doctor-certificate-revoked"


def test_a_database_behind_the_code_fails(doctor_network: DoctorNetwork, tmp_path: Path) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    fresh = dataclasses.replace(home, database_url=f"sqlite:///{home.home / 'old.db'}")
    with open_database(fresh.database_url) as database:
        migrate(database, revision="0011_document_index")
    [finding] = _of(diagnose(fresh, timeout=5), "migrations")
    assert finding.severity is Severity.FAIL
    assert finding.message.params["current"] == "0011_document_index"


def test_a_configuration_signed_by_another_key_fails(doctor_network: DoctorNetwork, tmp_path: Path) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    other = dataclasses.replace(doctor_network, key=generate_directory_key("impostor"))
    assert home.configuration_path is not None
    home.configuration_path.write_bytes(other.configuration())
    diagnosis = diagnose(home, timeout=5)
    [finding] = _of(diagnosis, "configuration")
    assert finding.severity is Severity.FAIL and finding.message.code == "doctor-configuration-bad"
    assert not _of(diagnosis, "peer")  # no configuration: no peers to ask


def test_the_directory_answering_and_a_clock_ten_minutes_off(
    doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY,))
    # nghe-an's listener stands in for the directory: any HTTP answer shows it reachable; its
    # Date header is the clock compared with.
    with_directory = dataclasses.replace(
        home, directory_url=doctor_network.peer_url, directory_tls_anchors=doctor_network.pki.root_path
    )
    diagnosis = diagnose(with_directory, timeout=5)
    assert [f.severity for f in _of(diagnosis, "directory")] == [Severity.OK]
    assert [f.severity for f in _of(diagnosis, "clock")] == [Severity.OK]
    late = diagnose(with_directory, timeout=5, clock=lambda: datetime.now(UTC) + timedelta(minutes=10))
    [clock] = _of(late, "clock")
    assert clock.severity is Severity.FAIL and clock.message.params["offset"] in range(590, 611)
    unreachable = dataclasses.replace(with_directory, directory_url=doctor_network.closed_url)
    assert [f.severity for f in _of(diagnose(unreachable, timeout=5), "directory")] == [Severity.FAIL]
