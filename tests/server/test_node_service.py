"""``NodeService``'s ``/metrics`` names every certificate the node relies on: its TLS
certificate, its chain, its agencies' signing certificates, the directory's configuration
certificate and the network's anchors, with the days each has left."""

from __future__ import annotations

from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from lienthong.server import NodeService, ServeSettings
from node.doctor_network import EXPIRING, HEALTHY, DoctorNetwork, doctor_network

__all__ = ["doctor_network"]  # the fixture

GAUGE = "lienthong_certificate_expiry_seconds"


def _gauge(text: str) -> dict[tuple[str, str], float]:
    return {
        (s.labels["role"], s.labels["subject"]): s.value / 86400  # days
        for family in text_string_to_metric_families(text)
        if family.name == GAUGE
        for s in family.samples
    }


def test_a_node_reports_every_certificate_it_relies_on(doctor_network: DoctorNetwork, tmp_path: Path) -> None:
    home = doctor_network.home(tmp_path, (HEALTHY, EXPIRING), nodes=("vpcp",))
    with NodeService(home, ServeSettings(statistics_interval=0)) as service:
        gauge = _gauge(service.metrics.exposition().decode("utf-8"))
    assert set(gauge) == {
        ("tls", "vpcp"),
        ("chain", "Doctor Issuing CA"),
        ("signer", "Văn phòng Chính phủ"),
        ("signer", "UBND Ninh Bình"),
        ("configuration-signing", "doctor directory"),
        ("anchor", "Doctor Root CA"),
    }
    assert 17 < gauge[("signer", "UBND Ninh Bình")] < 20 < gauge[("tls", "vpcp")]
