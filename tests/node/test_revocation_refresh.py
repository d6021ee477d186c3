"""A revoked certificate is refused within one configuration refresh, by a node that has been
accepting it: a real directory on loopback publishes the CRL, each node's ``ConfigurationClient``
refreshes once (no restart: whatever the node remembered of the signer's path is still warm),
and from then on the receiver refuses the signer's packages with a negative receipt, and the
sender refuses them on submission.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from directory.directory_servers import write_key
from lienthong._i18n import render
from lienthong.directory import ConfigurationClient, DirectoryRegistry, RefreshState, generate_directory_key
from lienthong.evidence import read_receipt
from lienthong.node import NodeRuntime, PackageRefused, Refusal, init_home, receive, submit
from lienthong.server import DirectoryService, DirectorySettings
from lienthong.trust import Pki, sign_package
from node.node_network import document
from support.pki import build_pki, fullchain

REVOKED = "000.00.00.H41"  # its key is compromised
RECIPIENT = "000.00.00.G22"
SERVED = {"node-a": (REVOKED,), "node-b": (RECIPIENT,)}


@dataclass
class Network:
    pki: Pki
    registry: DirectoryRegistry
    runtimes: dict[str, NodeRuntime]

    def refresh(self, name: str) -> RefreshState:
        client = self.runtimes[name].source
        assert isinstance(client, ConfigurationClient)
        return client.refresh().state


@pytest.fixture
def net(tmp_path: Path) -> Iterator[Network]:
    now = datetime.now(UTC)
    pki = build_pki(
        tmp_path / "pki", at=now - timedelta(days=1), name="Lienthong Refresh",
        agencies=[code for codes in SERVED.values() for code in codes], nodes=("directory", *SERVED),
    )  # fmt: skip
    key = generate_directory_key("refresh directory", not_before=now - timedelta(days=1))
    key_path, cert_path = write_key(key, tmp_path)
    anchor_path = tmp_path / "anchor.json"
    anchor_path.write_text(key.anchor(directory="refresh").to_json(), encoding="utf-8")
    (tmp_path / "directory").mkdir()
    settings = DirectorySettings(
        database_url=f"sqlite:///{tmp_path / 'directory.db'}",
        home=tmp_path / "directory",
        signing_key=key_path,
        signing_certificate=cert_path,
        tls_certificate=fullchain(pki, "directory", tmp_path)[0],
        tls_key=pki.issued("directory").key_path,
        client_anchors=pki.root_path,
        directory="refresh",
    )
    with DirectoryService(settings) as service:
        registry = service.registry
        registry.initialize(actor="setup")
        registry.add_anchor(pki.root_path.read_text(encoding="ascii"), actor="setup")
        for port, (name, codes) in enumerate(SERVED.items(), start=1):
            tls = pki.issued(name).cert_path.read_text(encoding="ascii")
            registry.add_node(
                name, f"https://127.0.0.1:{port}", serves=codes, tls_certificate_pem=tls, actor="setup"
            )
            for code in codes:
                registry.bind_certificate(
                    code, pki.issued(code).cert_path.read_text(encoding="ascii"), actor="setup"
                )
        server = service.start()
        runtimes: dict[str, NodeRuntime] = {}
        try:
            for name, codes in SERVED.items():
                home = init_home(
                    tmp_path / name, name=name, anchor=anchor_path, at=now,
                    database_url=f"sqlite:///{tmp_path / name / 'node.db'}", pki=tmp_path / "pki", agencies=codes,
                    directory_url=server.url, directory_tls_anchors=pki.root_path,
                )  # fmt: skip
                runtimes[name] = NodeRuntime(home)  # refreshes once at start, not in the background
            yield Network(pki, registry, runtimes)
        finally:
            for runtime in runtimes.values():
                runtime.close()
            server.stop()


def _signed(net: Network, number: str) -> bytes:
    signer = net.runtimes["node-a"].signers[REVOKED]
    return sign_package(document(number, sender=REVOKED, to=(RECIPIENT,)), signer)


def _delivered(net: Network, data: bytes) -> tuple[bool, str | None, str]:
    """What node-b answers when node-a delivers ``data``: accepted, reason code, reason (en)."""
    raw = receive(
        net.runtimes["node-b"].node(), data, recipient=RECIPIENT, peer="node-a", at=datetime.now(UTC)
    )
    receipt = read_receipt(raw).receipt
    return receipt.accepted, receipt.reason_code, render(receipt.why, "en") if receipt.why else ""


def test_a_crl_published_reaches_each_node_at_its_next_refresh(net: Network) -> None:
    # Before: both nodes accept the agency's packages (and remember its path as valid).
    for number in ("301", "302"):
        assert submit(net.runtimes["node-a"].node(), _signed(net, number), at=datetime.now(UTC))
        assert _delivered(net, _signed(net, f"{number}0"))[0]
    serial = net.pki.issued(REVOKED).certificate.serial_number
    net.pki.revoke(
        serial, at=datetime.now(UTC) - timedelta(minutes=1), reason=x509.ReasonFlags.key_compromise
    )
    crls = net.pki.write_crl(at=datetime.now(UTC) - timedelta(minutes=1)).read_bytes()
    net.registry.add_crls(crls, actor="tester", cas=[net.pki.issuing_path.read_bytes()])
    signed = _signed(net, "303")

    # Published, but no node has refreshed: nothing changes yet.
    assert _delivered(net, signed)[0]

    # The receiver refreshes once: it refuses the signer, with a negative receipt saying why,
    # although the sender (not refreshed) still accepts it.
    assert net.refresh("node-b") is RefreshState.UPDATED
    accepted, code, why = _delivered(net, _signed(net, "304"))
    assert not accepted and code == Refusal.SIGNATURE.value and "revoked" in why, (code, why)
    assert submit(net.runtimes["node-a"].node(), _signed(net, "305"), at=datetime.now(UTC))

    # The sender refreshes once: it refuses the signer on submission.
    assert net.refresh("node-a") is RefreshState.UPDATED
    with pytest.raises(PackageRefused) as refused:
        submit(net.runtimes["node-a"].node(), _signed(net, "306"), at=datetime.now(UTC))
    assert refused.value.reason is Refusal.SIGNATURE
    assert "revoked" in render(refused.value.message, "en")
