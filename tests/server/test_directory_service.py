"""``DirectoryService``'s ``/metrics``, scraped over real TLS, names its configuration-signing
certificate and its TLS chain with the days each has left."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from directory.directory_servers import Clock, running_directory
from lienthong.net import client_context
from support.pki import Tls

GAUGE = "lienthong_certificate_expiry_days"


def _gauge(text: str) -> dict[tuple[str, str], float]:
    return {
        (s.labels["role"], s.labels["subject"]): s.value
        for family in text_string_to_metric_families(text)
        if family.name == GAUGE
        for s in family.samples
    }


def test_a_directory_reports_its_signing_and_tls_certificates(tls: Tls, tmp_path: Path) -> None:
    with running_directory(
        f"sqlite:///{tmp_path / 'directory.db'}", tmp_path / "dir", tls, clock=Clock()
    ) as directory:
        text = httpx.get(f"{directory.url}/metrics", verify=client_context(anchors=tls.root)).text
    gauge = _gauge(text)
    assert {role for role, _subject in gauge} == {"configuration-signing", "tls", "chain"}
    assert ("tls", "directory") in gauge and gauge[("tls", "directory")] > 30
