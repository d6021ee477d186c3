"""Statistics intake: a report sealed by the node's seal key is accepted when the directory
binds that seal certificate to the node, and refused when it does not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.directory import DirectoryRegistry
from lienthong.portal import ReportNotEntitled, StatisticsIntake
from lienthong.statistics import sign_report
from lienthong.trust import KeySigner
from portal.portal_support import HANOI, NODE, node_certificate_pem, report
from support.pki import Tls

NOW = datetime(2025, 6, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def registry(database_url: str) -> Iterator[DirectoryRegistry]:
    with DirectoryRegistry.open(database_url, clock=lambda: NOW) as opened:
        opened.initialize(actor="t")
        yield opened


def _seal(tls: Tls) -> KeySigner:
    """node-b's key and certificate, standing for node-a's seal (trusted by the same root)."""
    return KeySigner.load(tls.peer[1], tls.peer[0])


def _register(registry: DirectoryRegistry, tls: Tls, *, seal: KeySigner | None) -> None:
    registry.add_node(
        NODE,
        "https://node-a.example",
        serves=[HANOI],
        tls_certificate_pem=node_certificate_pem(tls),
        seal_certificate_pem=None if seal is None else seal.certificate.public_bytes(Encoding.PEM).decode(),
        actor="t",
        replace=True,
    )


def _peer(tls: Tls) -> bytes:
    return x509.load_pem_x509_certificate(tls.node[0].read_bytes()).public_bytes(Encoding.DER)


def test_a_report_sealed_by_the_bound_seal_key_is_accepted(registry: DirectoryRegistry, tls: Tls) -> None:
    seal = _seal(tls)
    _register(registry, tls, seal=seal)
    intake = StatisticsIntake(registry, clock=lambda: NOW)
    sealed = sign_report(report(tls, sent=2).report, seal)
    assert intake.accept(sealed.to_json(), peer=_peer(tls)).report.node == NODE
    # The TLS key still seals for a node that has a seal too (reports queued before it had one).
    assert intake.accept(report(tls, sent=3, sequence=2).to_json(), peer=_peer(tls)).report.node == NODE


def test_a_report_sealed_by_a_seal_not_bound_to_the_node_is_refused(
    registry: DirectoryRegistry, tls: Tls
) -> None:
    _register(registry, tls, seal=None)
    intake = StatisticsIntake(registry, clock=lambda: NOW)
    sealed = sign_report(report(tls, sent=2).report, _seal(tls))
    with pytest.raises(ReportNotEntitled):
        intake.accept(sealed.to_json(), peer=_peer(tls))
