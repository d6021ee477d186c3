"""Upgrades (issue #19, point 4): a node database written by the previous release
(``tests/data/upgrade/v0.1.0``, made by that release's own code: ``make_upgrade.py``) migrates
to the current head with Alembic, on SQLite and on PostgreSQL, and the node then works on it:
the documents it received before the upgrade are listed and their evidence verifies; it receives
a new document, answers it with a status that is delivered, and its log's chain still links.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from lienthong.directory import ConfigurationAnchor, verify_configuration
from lienthong.edxml import StatusCode
from lienthong.evidence import verify_bundle
from lienthong.node import DeliveryState, InMemoryTransport, Node, deliver_due, export_evidence, submit
from lienthong.store import (
    BlobStore,
    Database,
    NodeStore,
    current_revision,
    head_revision,
    migrate,
    open_database,
)
from lienthong.trust import KeySigner, load_certificate
from node.node_network import OTHER_SENDER, RECIPIENT, SENDER, document, status
from support.databases import POSTGRES, _postgres_schema_url

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "upgrade" / "v0.1.0"
FACTS = json.loads((FIXTURE / "fixture.json").read_text(encoding="utf-8"))
AT = datetime.fromisoformat(FACTS["at"])


def _signer(pki: Path, name: str) -> KeySigner:
    return KeySigner.load(
        pki / "certs" / f"{name}.key.pem", pki / "certs" / f"{name}.pem", [pki / "issuing.pem"]
    )


@pytest.fixture(params=("sqlite", "postgresql"))
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Database]]:
    """A copy of the release's database of node vpcp (never the committed file itself)."""
    if request.param == "sqlite":
        copy = tmp_path / "vpcp.db"
        shutil.copyfile(FIXTURE / "vpcp.db", copy)
        with open_database(f"sqlite:///{copy}") as database:
            yield request.param, database
        return
    schema = f"lt_{secrets.token_hex(6)}"
    dump = (FIXTURE / "vpcp.sql").read_text(encoding="utf-8").replace("lt_upgrade", schema)
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=10) as admin:
        admin.execute(dump.encode("utf-8"))
        try:
            with open_database(_postgres_schema_url(schema)) as database:
                yield request.param, database
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_a_release_database_migrates_to_head_and_the_node_works_on_it(
    old_database: tuple[str, Database], tmp_path: Path
) -> None:
    backend, database = old_database
    assert current_revision(database) == FACTS["schema"]
    assert migrate(database) == head_revision()  # whatever head the branch has now
    pki = tmp_path / "pki"
    shutil.copytree(FIXTURE / "pki", pki)
    for key in pki.rglob("*.key.pem"):
        key.chmod(0o600)
    anchors = [load_certificate(pki / "root.pem")]
    anchor = ConfigurationAnchor.load(FIXTURE / "anchor.json")
    config = verify_configuration((FIXTURE / "configuration.json").read_bytes(), anchor, at=AT)
    blobs = tmp_path / "blobs"
    shutil.copytree(FIXTURE / "blobs", blobs)
    vpcp = Node(
        "vpcp", database, BlobStore(blobs), config, _signer(pki, "vpcp"),
        signers={RECIPIENT: _signer(pki, RECIPIENT)},
    )  # fmt: skip
    documents = FACTS["documents"][backend]
    received = [d for d in documents if d["direction"] == "in"]
    with NodeStore.begin(database, write=False) as store:
        listed = {e.message_id for e in store.inbox(recipient=RECIPIENT)}
    assert {d["message_id"] for d in received} <= listed
    later = AT + timedelta(hours=1)
    for entry in documents:
        bundle = export_evidence(
            node="vpcp",
            database=database,
            blobs=vpcp.blobs,
            key=vpcp.key,
            document_id=entry["message_id"],
            at=later,
        )
        report = verify_bundle(bundle, anchors=anchors)
        assert report.valid, report.problems
    # The upgraded node receives a new document and answers it; the answer is delivered.
    with open_database(f"sqlite:///{tmp_path / 'nghe-an.db'}") as sender_db:
        migrate(sender_db)
        nghe_an = Node(
            "nghe-an", sender_db, BlobStore(tmp_path / "nghe-an-blobs"), config, _signer(pki, "nghe-an"),
            signers={code: _signer(pki, code) for code in (SENDER, OTHER_SENDER)},
        )  # fmt: skip
        transport = InMemoryTransport({"nghe-an": nghe_an, "vpcp": vpcp})
        rand = random.Random(5)
        new = submit(nghe_an, document("N1"), at=later)
        assert [o.state for o in deliver_due(nghe_an, transport, now=later, rand=rand)] == [
            DeliveryState.DELIVERED
        ]
        submit(vpcp, status(new.document_id, StatusCode.REGISTERED, at=later), at=later)
        assert [o.state for o in deliver_due(vpcp, transport, now=later, rand=rand)] == [
            DeliveryState.DELIVERED
        ]
    with NodeStore.begin(database, write=False) as store:
        assert new.message_id in {e.message_id for e in store.inbox(recipient=RECIPIENT)}
        entries = store.log_entries()
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    bundle = export_evidence(
        node="vpcp", database=database, blobs=vpcp.blobs, key=vpcp.key, document_id=new.message_id, at=later
    )
    assert verify_bundle(bundle, anchors=anchors).valid
