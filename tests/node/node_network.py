"""A small real network for the node tests: the test PKI (``support.pki``'s NETWORK plan), a
signed configuration, two nodes.

    nghe-an  serves 000.00.00.H41 (UBND tỉnh Nghệ An) and 000.00.00.G09 (Bộ Nội vụ)
    vpcp     serves 000.00.00.G22 (Văn phòng Chính phủ), 000.00.00.H42 (Ninh Bình) and
             000.00.00.H26 (Hà Nội) with its units (000.00.12.H26);
             000.00.00.H40 (Nam Định) was closed on 2025-07-01, successor H42.

Each node has its own database (SQLite file or PostgreSQL schema) and blob store. Agency
certificates carry their codes; the configuration binds them and carries the PKI's root.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from lienthong.codes import default_registry
from lienthong.directory import (
    AgencyEntry,
    CertificateBinding,
    DirectorySnapshot,
    NodeEntry,
    TrustAnchor,
    build_configuration,
    generate_directory_key,
    verify_configuration,
)
from lienthong.edxml import (
    BusinessType,
    DocumentBuilder,
    Organization,
    ResponseFor,
    StatusCode,
    StatusPackage,
    write_package,
)
from lienthong.node import DeliveryState, InMemoryTransport, Node, deliver_due, submit, submit_many
from lienthong.store import BlobStore, NodeStore, migrate, open_database
from lienthong.trust import KeySigner
from support.databases import POSTGRES, _postgres_schema_url
from support.pki import AT as PKI_AT
from support.pki import GeneratedPki

AT = PKI_AT  # the test PKI's moment: its certificates are a month old
SENDER = "000.00.00.H41"
RECIPIENT = "000.00.00.G22"
SUCCESSOR = "000.00.00.H42"
CLOSED = "000.00.00.H40"
UNSERVED = "000.00.00.G14"  # served by nobody
OTHER_SENDER = "000.00.00.G09"  # at nghe-an beside SENDER
HANOI = "000.00.00.H26"
HANOI_UNIT = "000.00.12.H26"  # a unit of HANOI, served with it


def _fingerprint(signer: KeySigner) -> str:
    return hashlib.sha256(signer.certificate.public_bytes(Encoding.DER)).hexdigest()


def _pem(signer: KeySigner) -> str:
    return signer.certificate.public_bytes(Encoding.PEM).decode("ascii")


@dataclass
class Network:
    sender: Node  # nghe-an
    receiver: Node  # vpcp
    transport: InMemoryTransport
    pki: GeneratedPki  # support.pki's NETWORK plan


def _urls(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    if database_url.startswith("sqlite"):
        yield [f"sqlite:///{tmp_path / 'nghe-an.db'}", f"sqlite:///{tmp_path / 'vpcp.db'}"]
        return
    schemas = [f"lt_{secrets.token_hex(6)}" for _ in range(2)]
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=10) as admin:
        for schema in schemas:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield [_postgres_schema_url(schema) for schema in schemas]
        finally:
            for schema in schemas:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def network(database_url: str, tmp_path: Path, test_pki: GeneratedPki) -> Iterator[Network]:
    key = generate_directory_key("test directory", not_before=AT - timedelta(days=30))
    config = verify_configuration(_configuration(test_pki, key), key.anchor(directory="test"), at=AT)
    for urls in _urls(database_url, tmp_path):
        databases = [open_database(url) for url in urls]
        try:
            for database in databases:
                migrate(database)
            sender = Node(
                "nghe-an",
                databases[0],
                BlobStore(tmp_path / "nghe-an" / "blobs"),
                config,
                test_pki.node_keys["nghe-an"],
                signers={code: test_pki.signers[code] for code in (SENDER, OTHER_SENDER)},
            )
            receiver = Node(
                "vpcp",
                databases[1],
                BlobStore(tmp_path / "vpcp" / "blobs"),
                config,
                test_pki.node_keys["vpcp"],
                signers={code: test_pki.signers[code] for code in (RECIPIENT, SUCCESSOR, HANOI, HANOI_UNIT)},
            )
            transport = InMemoryTransport({"nghe-an": sender, "vpcp": receiver})
            yield Network(sender, receiver, transport, test_pki)
        finally:
            for database in databases:
                database.close()


def _configuration(test_pki: GeneratedPki, key: object) -> bytes:
    from lienthong.directory import DirectoryKey

    assert isinstance(key, DirectoryKey)
    root = test_pki.pki.root
    snapshot = DirectorySnapshot(
        version=1,
        agencies=tuple(AgencyEntry.of(record) for record in default_registry()),
        nodes=(
            NodeEntry(
                "nghe-an", "https://127.0.0.1:1", _pem(test_pki.node_keys["nghe-an"]), (SENDER, OTHER_SENDER)
            ),
            NodeEntry(
                "vpcp", "https://127.0.0.1:2", _pem(test_pki.node_keys["vpcp"]), (RECIPIENT, SUCCESSOR, HANOI)
            ),
        ),
        bindings=tuple(
            CertificateBinding(_fingerprint(signer), code, _pem(signer))
            for code, signer in test_pki.signers.items()
        ),
        anchors=(
            TrustAnchor(
                hashlib.sha256(root.public_bytes(Encoding.DER)).hexdigest(),
                root.subject.rfc4514_string(),
                root.public_bytes(Encoding.PEM).decode("ascii"),
            ),
        ),
    )
    return build_configuration(snapshot, key, directory="test", issued_at=AT - timedelta(hours=1))


def document(
    number: str,
    *,
    to: tuple[str, ...] = (RECIPIENT,),
    sender: str = SENDER,
    acts_on: tuple[str, BusinessType] | None = None,
    document_id: str | None = None,
) -> bytes:
    """An unsigned document package from ``sender`` (its DocumentId built from it unless given)."""
    builder = DocumentBuilder().sender(sender, name="UBND tỉnh Nghệ An").code(number, "UBND-VP")
    if document_id is not None:
        builder = builder.document_id(document_id)
    builder = builder.subject(f"V/v văn bản số {number}").promulgation(on=date(2026, 3, 2), place="Vinh")
    for code in to:
        builder = builder.recipient(code)
    if acts_on is not None:
        builder = builder.acts_on(acts_on[0], acts_on[1], reason="sai sót")
    return write_package(builder.attach("vb.pdf", b"%PDF-1.4\n%%EOF\n").build(at=AT))


def status(
    document_id: str,
    code: StatusCode,
    *,
    reporter: str = RECIPIENT,
    original_sender: str = SENDER,
    at: datetime = AT,
) -> bytes:
    """An unsigned status package from ``reporter`` on ``document_id``."""
    package = StatusPackage(
        from_=Organization(organ_id=reporter, organ_name="Văn phòng Chính phủ"),
        response_for=ResponseFor(organ_id=original_sender, document_id=document_id, code="1/UBND-VP"),
        status_code=code,
        timestamp=at,
        description="đã xử lý",
    )
    return write_package(package)


def populate(network: Network, count: int) -> list[str]:
    """``count`` documents from the sender, submitted and delivered 25 at a time (as a node
    sees them: each document's entries close together in the log), the first ten answered
    with a status: the message ids on the sender's side."""
    rand = random.Random(3)
    ids = []
    for start in range(0, count, 25):
        numbers = range(start, min(count, start + 25))
        for outcome in submit_many(network.sender, [document(f"A{n}") for n in numbers], at=AT):
            assert not isinstance(outcome, Exception)
            ids.append(outcome.message_id)
        delivered = deliver_due(network.sender, network.transport, now=AT, rand=rand, per_request=25)
        assert {o.state for o in delivered} == {DeliveryState.DELIVERED}
        if start == 0:
            with NodeStore.begin(network.sender.database, write=False) as store:
                answered = [store.document_of(m) for m in ids[:10]]
            for found in answered:
                assert found is not None
                submit(network.receiver, status(found[1], StatusCode.REGISTERED, at=AT), at=AT)
            deliver_due(network.receiver, network.transport, now=AT, rand=rand, per_request=25)
    return ids
