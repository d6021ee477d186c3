"""Reports for the portal tests: a node ``node-a`` serving Hà Nội (H26), signed with its TLS key."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.directory import DirectoryRegistry
from lienthong.statistics import Outgoing, SignedReport, build_report, load_node_key, sign_report
from support.pki import Tls

NODE = "node-a"
HANOI = "000.00.00.H26"
DAY = date(2025, 6, 29)


def node_certificate_pem(tls: Tls) -> str:
    certificate = x509.load_pem_x509_certificate(tls.node[0].read_bytes())
    return certificate.public_bytes(Encoding.PEM).decode("ascii")


def register_node(registry: DirectoryRegistry, tls: Tls) -> None:
    registry.add_node(
        NODE,
        "https://node-a.example",
        serves=[HANOI],
        tls_certificate_pem=node_certificate_pem(tls),
        actor="t",
    )


def report(tls: Tls, *, sent: int, sequence: int = 1, day: date = DAY, agency: str = HANOI) -> SignedReport:
    """A signed report of ``sent`` documents (each to two recipients, delivered in 10 s)."""
    start = datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
    outgoing = [
        Outgoing(
            f"doc-{index}", recipient, start, delivered_at=start + timedelta(seconds=10), pdf_signed=True
        )
        for index in range(sent)
        for recipient in ("000.00.00.G22", "000.00.00.H02")
    ]
    built = build_report(
        node=NODE,
        agency=agency,
        day=day,
        sequence=sequence,
        generated_at=start + timedelta(hours=20),
        outgoing=outgoing,
        statuses={"01": sent},
        config_version=7,
        certificate_expiry=datetime(2027, 1, 1, tzinfo=UTC),
    )
    return sign_report(built, load_node_key(tls.node[1]))
