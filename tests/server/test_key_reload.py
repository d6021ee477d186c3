"""A serving node's seal and agency signers reloaded from its home while it runs: the files
named in ``node.json`` replaced in place, or ``node.json`` pointing at new ones; a pair that
does not match is refused and the signers in use kept. In process, on a real home."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lienthong.node import NodeHome, NodeRuntime
from lienthong.server._key_reload import KeyReloader
from node.doctor_network import HEALTHY, DoctorNetwork, doctor_network
from support.pki import agency_signer

__all__ = ["doctor_network"]  # the fixture


def _replace(path: Path, source: Path) -> None:
    """Copy ``source`` over ``path`` as an operator's tool should: a new file moved into place."""
    fresh = path.with_name(path.name + ".tmp")
    shutil.copyfile(source, fresh)
    os.chmod(fresh, 0o600)
    os.replace(fresh, path)


@pytest.fixture
def sealed(doctor_network: DoctorNetwork, tmp_path: Path) -> Iterator[tuple[NodeRuntime, KeyReloader]]:
    """A home of vpcp with a seal key of its own and one agency signer, opened."""
    net = doctor_network
    home = net.home(tmp_path, (HEALTHY,))
    seal = net.pki.issue_node(f"seal-{tmp_path.name}", at=datetime.now(UTC) - timedelta(hours=1))
    _replace(home.home / "seal.key.pem", seal.key_path)
    _replace(home.home / "seal.pem", seal.cert_path)
    settings = json.loads((home.home / "node.json").read_text(encoding="utf-8"))
    settings["seal"] = {"key": "seal.key.pem", "certificate": "seal.pem"}
    (home.home / "node.json").write_text(json.dumps(settings), encoding="utf-8")
    with NodeRuntime(NodeHome.load(home.home)) as runtime:
        yield runtime, KeyReloader(runtime)


def test_a_seal_replaced_on_disk_seals_from_then_on(
    sealed: tuple[NodeRuntime, KeyReloader], doctor_network: DoctorNetwork, tmp_path: Path
) -> None:
    runtime, reloader = sealed
    before = runtime.node()
    assert not reloader.changed()
    renewed = doctor_network.pki.issue_node(
        f"seal2-{tmp_path.name}", at=datetime.now(UTC) - timedelta(hours=1)
    )
    _replace(runtime.home.home / "seal.key.pem", renewed.key_path)
    _replace(runtime.home.home / "seal.pem", renewed.cert_path)
    assert reloader.changed()
    assert reloader.reload() == renewed.certificate.serial_number
    assert not reloader.changed()
    node = runtime.node()
    assert node.key.certificate == renewed.certificate
    assert node.signers[HEALTHY].certificate == before.signers[HEALTHY].certificate
    # What was handed out before keeps its signer: a document being signed finishes with it.
    assert before.key.certificate != renewed.certificate


def test_node_json_naming_a_new_agency_signer_is_taken(
    sealed: tuple[NodeRuntime, KeyReloader], doctor_network: DoctorNetwork
) -> None:
    runtime, reloader = sealed
    home = runtime.home.home
    renewed = agency_signer(doctor_network.pki.issuer, HEALTHY, at=datetime.now(UTC), days=30)
    key = renewed.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    (home / "renewed.key.pem").write_bytes(key)
    os.chmod(home / "renewed.key.pem", 0o600)
    (home / "renewed.pem").write_bytes(renewed.certificate.public_bytes(Encoding.PEM))
    settings = json.loads((home / "node.json").read_text(encoding="utf-8"))
    settings["signers"][HEALTHY] = {"key": "renewed.key.pem", "certificate": "renewed.pem"}
    (home / "node.json").write_text(json.dumps(settings), encoding="utf-8")
    assert reloader.changed()
    assert reloader.reload() is not None
    assert runtime.node().signers[HEALTHY].certificate == renewed.certificate
    assert not reloader.changed()  # the new files are the ones watched now


def test_a_key_that_is_not_the_certificates_is_refused_and_the_signers_in_use_kept(
    sealed: tuple[NodeRuntime, KeyReloader], doctor_network: DoctorNetwork, caplog: pytest.LogCaptureFixture
) -> None:
    runtime, reloader = sealed
    before = runtime.node()
    stranger = doctor_network.pki.issued("nghe-an")
    _replace(runtime.home.home / "seal.pem", stranger.cert_path)  # the seal's key stays
    with caplog.at_level(logging.ERROR, logger="lienthong.node"):
        assert reloader.reload() is None
    assert "signing keys refused" in caplog.text
    assert runtime.node().key is before.key
    assert not reloader.changed()  # not retried until the files change again
