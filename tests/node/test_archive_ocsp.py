"""Archives carry OCSP answers and a time-stamp (issue #19, point 3): a network whose
certificates name an OCSP responder (the test PKI's, a real HTTP server on 127.0.0.1, beside its
TSA) is archived while the services run; each bundle then holds the answers about the
certificates of its signatures, the bag a time-stamp token over its tag manifest, and the bag
verifies offline once the services are stopped, the agencies' revocation judged from those
answers alone (the CRL carried is the root's only). An answer or a token altered is caught.
"""

from __future__ import annotations

import dataclasses
import io
import socket
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from lienthong.evidence import ARCHIVE_TIMESTAMP, verify_archive, verify_bundle
from lienthong.node import ArchiveSource, archive_and_purge
from lienthong.store import ANY_KEY, RetentionPolicy, RetentionStore
from lienthong.trust import HttpOcspFetcher, HttpTimeStamper, load_crls, serve_pki
from node.node_network import AT, Network, populate
from support.pki import NETWORK, PkiPlan


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


#: The responder's port is fixed before the PKI is made: its certificates name the URL.
_PORT = _free_port()
NOW = AT + timedelta(days=45)


@pytest.fixture(scope="module")
def pki_plan() -> PkiPlan:
    return dataclasses.replace(NETWORK, name="Lienthong OCSP Test", ocsp_url=f"http://127.0.0.1:{_PORT}/ocsp")


def _archive(network: Network, out: Path) -> None:
    node = network.sender
    with RetentionStore.begin(node.database) as retention:
        retention.set_policy(RetentionPolicy(ANY_KEY, ANY_KEY, 10), at=AT)
    pki = network.pki.pki
    pki.write_crl(at=AT - timedelta(hours=1))  # current when the packages were logged
    root_crls = tuple(c for c in load_crls([pki.crl_path]) if c.issuer == pki.root.subject)
    with serve_pki(network.pki.pki, port=_PORT) as services, HttpOcspFetcher(timeout=10) as fetch_ocsp:
        stamp = HttpTimeStamper(services.tsa_url)
        source = ArchiveSource(
            node.name, node.database, node.blobs, node.key, tuple(node.anchors), crls=root_crls,
            fetch_ocsp=fetch_ocsp, stamp=stamp,
        )  # fmt: skip
        outcome = archive_and_purge(source, out, before=NOW, now=NOW)
        stamp.close()
    assert (outcome.archived, outcome.timestamped) == (3, True)


def _answers(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("validation/ocsp/")}


def _replaced(bundle: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            target.writestr(item, data if item == name else source.read(item))
    return out.getvalue()


def test_archive_holds_ocsp_answers_and_verifies_with_the_responder_stopped(
    network: Network, tmp_path: Path
) -> None:
    populate(network, 3)
    out = tmp_path / "archive"
    _archive(network, out)
    # The responder is stopped: nothing below asks it.
    report = verify_archive(out, anchors=network.pki.anchors)
    assert report.valid, report.summary()
    assert report.timestamp is not None and f"timestamp={report.timestamp.isoformat()}" in report.summary()
    bundles = sorted((out / "data").glob("*.zip"))
    assert len(bundles) == 3
    data = bundles[0].read_bytes()
    answers = _answers(data)
    # The agency's signing certificate, the sender node's and the receiver node's (receipts).
    assert len(answers) >= 2
    # The answers altered (a byte of the responder's signature) no longer vouch for the agency:
    # with the root's CRL alone, its certificate's revocation is unknown.
    altered = data
    for name, answer in answers.items():
        altered = _replaced(altered, name, answer[:-1] + bytes([answer[-1] ^ 1]))
    problems = verify_bundle(altered, anchors=network.pki.anchors).problems
    assert problems and {p.code for p in problems} == {"evidence-bundle-package-invalid"}

    # The token altered (a byte of its TSA's signature) no longer vouches for the bag.
    token = out / ARCHIVE_TIMESTAMP
    original = token.read_bytes()
    token.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    damaged = verify_archive(out, anchors=network.pki.anchors)
    assert [p.code for p in damaged.problems] == ["evidence-archive-timestamp-invalid"]
