"""``DirectoryService``'s ``/metrics``, scraped over real TLS, names its configuration-signing
certificate and its TLS chain with the days each has left."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from directory.directory_servers import Clock, running_directory, write_key
from lienthong.directory import announce_next_key, generate_directory_key
from lienthong.net import client_context
from lienthong.server import DirectorySettings
from support.pki import Tls

GAUGE = "lienthong_certificate_expiry_seconds"


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
    assert ("tls", "directory") in gauge and gauge[("tls", "directory")] > 30 * 86400


def test_a_key_announced_in_the_home_is_kept_as_secret_as_the_signing_key(tmp_path: Path) -> None:
    home = tmp_path / "directory"
    home.mkdir()
    key_path, cert_path = write_key(generate_directory_key("directory 2"), tmp_path)
    announce_next_key(home, str(key_path), cert_path)
    settings = DirectorySettings(
        database_url="sqlite:///:memory:", home=home, signing_key=tmp_path / "old.key.pem",
        signing_certificate=tmp_path / "old.pem", tls_certificate=tmp_path / "tls.pem", tls_key=tmp_path / "tls.key",
    )  # fmt: skip
    assert key_path.resolve() in settings.secret_paths()
