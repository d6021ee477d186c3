"""A small real network for ``lienthong node doctor``'s tests: a test PKI whose certificates
include one ending in 20 days, one revoked (in the configuration's CRLs) and one naming a running
OCSP responder (and a time-stamp service beside it); node nghe-an's peer endpoint served over mutual TLS on loopback; bo-nganh's
endpoint a closed port. Homes for node vpcp are made per test (``DoctorNetwork.home``).
"""

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
from lienthong.node import NodeHome, NodeRuntime, create_peer_app, init_home
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
    tsa_url: str

    def configuration(self, *, nodes: tuple[str, ...] = PEERS) -> bytes:
        """A signed configuration: ``nodes``, the bindings, the root, the PKI's CRLs."""
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
            nodes=tuple(NodeEntry(name, urls[name], None, ()) for name in nodes),
            bindings=tuple(bindings),
            anchors=(
                TrustAnchor(
                    hashlib.sha256(root.public_bytes(Encoding.DER)).hexdigest(),
                    root.subject.rfc4514_string(),
                    root.public_bytes(Encoding.PEM).decode("ascii"),
                ),
            ),
            crls=revocations,
        )
        issued = datetime.now(UTC) - timedelta(hours=1)
        return build_configuration(snapshot, self.key, directory="test", issued_at=issued)

    def home(self, folder: Path, agencies: tuple[str, ...], *, nodes: tuple[str, ...] = PEERS) -> NodeHome:
        """A fresh home for node vpcp in ``folder``, signing for ``agencies``, its database
        migrated, its configuration listing ``nodes``."""
        folder.mkdir(parents=True, exist_ok=True)
        configuration = folder / "configuration.json"
        configuration.write_bytes(self.configuration(nodes=nodes))
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
        placeholder = DoctorNetwork(
            base, pki, key, anchor, "https://127.0.0.1:1", "", services.ocsp_url, services.tsa_url
        )
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
