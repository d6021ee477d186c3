"""Engine setup, migrations and the directory store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from lienthong.store import (
    AgencyEntry,
    CertificateBinding,
    Database,
    DatabaseUnavailable,
    DirectoryStore,
    NodeEntry,
    RevocationList,
    StoreConflict,
    TrustAnchor,
    current_revision,
    head_revision,
    migrate,
    open_database,
)
from lienthong.store._rows import Base


def test_migrate_creates_schema_and_reports_head(database_url: str) -> None:
    db = open_database(database_url)
    try:
        assert current_revision(db) is None
        assert migrate(db) == head_revision()
        assert migrate(db) == head_revision()  # idempotent
        assert current_revision(db) == head_revision()
    finally:
        db.close()


def test_migrations_match_the_orm_rows(database: Database) -> None:
    """The hand-written migration and the ORM rows describe the same tables on both databases."""
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diffs == []


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'wal.db'}")
    try:
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        db.close()


def test_unreachable_database_is_a_store_error() -> None:
    db = open_database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(DatabaseUnavailable):
            migrate(db)
    finally:
        db.close()


def test_bad_url_is_a_store_error() -> None:
    with pytest.raises(DatabaseUnavailable):
        open_database("nosuchdialect://x")


def test_versions_count_transactions_and_audit_names_who(database: Database) -> None:
    at = datetime(2025, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with database.transaction() as session:
        store = DirectoryStore(session, actor="alice", at=at)
        assert store.version() == 0
        store.put_agencies(
            [AgencyEntry("000.00.00.G22", "Văn phòng Chính phủ"), AgencyEntry("000.00.01.G22", "Vụ 1")],
            action="agency.add",
        )
        store.put_node(NodeEntry("vpcp", "https://vpcp.example", None, ("000.00.00.G22",)), action="node.add")
        assert store.version() == 1  # one transaction, one version
    with database.transaction() as session:
        store = DirectoryStore(session, actor="bob")
        assert store.version() == 1
        log = store.audit()
        assert {entry.actor for entry in log} == {"alice"}
        assert {entry.action for entry in log} == {"agency.add", "node.add"}
        assert log[0].at == at.astimezone(UTC)
        assert store.history("000.00.01.G22")[0].parent == "000.00.00.G22"


def test_put_replaces_same_code_and_start(database: Database) -> None:
    with database.transaction() as session:
        DirectoryStore(session).put_agencies([AgencyEntry("000.00.00.H02", "Bắc Giang")], action="seed")
    with database.transaction() as session:
        store = DirectoryStore(session)
        store.put_agencies(
            [
                AgencyEntry(
                    "000.00.00.H02", "Bắc Giang", valid_to=date(2025, 7, 1), successor="000.00.00.H05"
                ),
                AgencyEntry("000.00.00.H05", "Bắc Ninh"),
            ],
            action="reorganize",
        )
    with database.transaction() as session:
        store = DirectoryStore(session)
        (h02,) = store.history("000.00.00.H02")
        assert (h02.valid_to, h02.successor, h02.version) == (date(2025, 7, 1), "000.00.00.H05", 2)
        assert [a.code for a in store.agencies(since=1)] == ["000.00.00.H02", "000.00.00.H05"]
        assert store.agencies(since=2) == []


def test_moving_a_subtree_changes_both_nodes_and_deletes_leave_tombstones(database: Database) -> None:
    with database.transaction() as session:
        store = DirectoryStore(session)
        store.put_node(
            NodeEntry("a", "https://a", None, ("000.00.00.H26", "000.00.12.H26")), action="node.add"
        )
        store.put_node(NodeEntry("b", "https://b", None, ()), action="node.add")
    with database.transaction() as session:
        DirectoryStore(session).put_node(
            NodeEntry("b", "https://b", None, ("000.00.12.H26",)), action="node.set"
        )
    with database.transaction() as session:
        store = DirectoryStore(session)
        assert store.subtree_owners(["000.00.12.H26", "000.00.00.H26"]) == {
            "000.00.12.H26": "b",
            "000.00.00.H26": "a",
        }
        changed = store.snapshot(since=1)
        assert {node.name: node.subtrees for node in changed.nodes} == {
            "a": ("000.00.00.H26",),
            "b": ("000.00.12.H26",),
        }
        assert store.delete_node("a")
        assert not store.delete_node("nobody")
    with database.transaction() as session:
        snapshot = DirectoryStore(session).snapshot(since=2)
        assert [(t.kind, t.key) for t in snapshot.deleted] == [("node", "a")]
        assert [n.name for n in DirectoryStore(session).nodes()] == ["b"]


def test_bindings_anchors_crls(database: Database) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with database.transaction() as session:
        store = DirectoryStore(session)
        store.put_binding(CertificateBinding("ab" * 32, "000.00.00.G22", "PEM", subtree=True))
        assert store.put_anchor(TrustAnchor("cd" * 32, "CN=Root", "PEM"))
        assert not store.put_anchor(TrustAnchor("cd" * 32, "CN=Root", "PEM"))
        assert store.put_crl(RevocationList("CN=Root", "ef" * 32, "CRL1", now, now + timedelta(days=7)))
    with database.transaction() as session:
        store = DirectoryStore(session)
        # An older CRL of the same issuer never replaces a newer one.
        assert not store.put_crl(RevocationList("CN=Root", "11" * 32, "CRL0", now - timedelta(days=1)))
        assert store.put_crl(RevocationList("CN=Root", "22" * 32, "CRL2", now + timedelta(days=1)))
        assert [c.crl_pem for c in store.crls()] == ["CRL2"]
        assert store.crls()[0].this_update == now + timedelta(days=1)
        assert store.bindings(fingerprint="ab" * 32)[0].subtree is True
        assert store.delete_binding("ab" * 32, "000.00.00.G22")
    with database.transaction() as session:
        snapshot = DirectoryStore(session).snapshot(since=1)
        assert [(t.kind, t.key) for t in snapshot.deleted] == [("binding", f"{'ab' * 32} 000.00.00.G22")]


def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive"), database.transaction() as session:
        DirectoryStore(session).put_crl(RevocationList("CN=X", "33" * 32, "CRL", datetime(2025, 1, 1)))


def test_unique_violations_are_store_conflicts(database: Database) -> None:
    with pytest.raises(StoreConflict), database.transaction() as session:
        session.execute(text("INSERT INTO directory_state (id, version) VALUES (1, 5)"))
