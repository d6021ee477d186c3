"""``lienthong_certificate_expiry_seconds``: one sample per certificate a service relies on, read at
each scrape, labelled by role, subject and serial; a source that cannot be read empties the gauge
but never fails the scrape. The exposition is parsed with prometheus_client's own parser and,
where ``promtool`` is installed, checked by it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from prometheus_client.parser import text_string_to_metric_families

from lienthong.statistics import ServiceMetrics
from lienthong.trust import load_certificates
from support.pki import Tls

GAUGE = "lienthong_certificate_expiry_seconds"


def _samples(exposition: bytes) -> dict[tuple[str, str], float]:
    """(role, subject) → days, from the gauge's samples (in seconds)."""
    found = {}
    for family in text_string_to_metric_families(exposition.decode("utf-8")):
        if family.name == GAUGE:
            assert family.type == "gauge"
            for sample in family.samples:
                found[(sample.labels["role"], sample.labels["subject"])] = sample.value / 86400
    return found


def _promtool(exposition: bytes) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        return  # not installed (Debian's prometheus is a 96 MB server): the parser above stands in
    done = subprocess.run(
        [promtool, "check", "metrics"], check=False, input=exposition, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_each_certificate_is_a_sample_with_its_days_left(tls: Tls) -> None:
    node, *chain = load_certificates(tls.node[0])
    root = load_certificates(tls.root)[0]
    metrics = ServiceMetrics("node")
    metrics.watch_certificates(lambda: [("tls", node), *(("chain", c) for c in chain), ("anchor", root)])
    exposition = metrics.exposition()
    samples = _samples(exposition)
    assert set(samples) == {
        ("tls", "node-a"),
        ("chain", "Lienthong Issuing CA"),
        ("anchor", "Lienthong Root CA"),
    }
    expected = (node.not_valid_after_utc - datetime.now(UTC)) / timedelta(days=1)
    assert abs(samples[("tls", "node-a")] - expected) < 0.1
    serial = f'serial="{node.serial_number:x}"'
    assert any(
        GAUGE in line and serial in line and 'service="node"' in line
        for line in exposition.decode().splitlines()
    )
    _promtool(exposition)


def test_a_certificate_read_again_at_each_scrape(tls: Tls) -> None:
    held: list[tuple[str, x509.Certificate]] = []
    metrics = ServiceMetrics("directory")
    metrics.watch_certificates(lambda: held)
    assert _samples(metrics.exposition()) == {}
    held.append(("tls", load_certificates(tls.server[0])[0]))
    assert set(_samples(metrics.exposition())) == {("tls", "directory")}


def test_an_unreadable_source_empties_the_gauge_not_the_scrape(
    tls: Tls, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> list[tuple[str, x509.Certificate]]:
        return [("tls", load_certificates(tls.root.parent / "missing.pem")[0])]

    metrics = ServiceMetrics("node")
    metrics.watch_certificates(broken)
    exposition = metrics.exposition()
    assert _samples(exposition) == {} and b"lienthong_http_requests" in exposition
    assert "certificate expiry" in caplog.text
    _promtool(exposition)
