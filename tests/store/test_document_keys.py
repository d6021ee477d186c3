"""Migration 0008: statuses and document links of rows already stored get their document's sender."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from lienthong.store import NodeStore, migrate, open_database

H41 = "000.00.00.H41"
G22 = "000.00.00.G22"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_existing_statuses_and_links_are_keyed_by_their_documents_sender(database_url: str) -> None:
    db = open_database(database_url)
    try:
        migrate(db, revision="0006_activity_indexes")
        status = (
            "INSERT INTO node_statuses (document_id, reporter, addressee, status_code, timestamp,"
            " package_sha256, direction, recorded_at) VALUES (:d, :r, :a, :c, :t, :s, 'in', :t)"
        )
        with db.engine.begin() as connection:
            for reporter, addressee, code in ((G22, H41, "03"), (H41, G22, "13")):
                values = {"d": "D1", "r": reporter, "a": addressee, "c": code, "t": T0, "s": code * 32}
                connection.execute(text(status), values)
            connection.execute(
                text(
                    "INSERT INTO node_inbox (message_id, document_id, kind, package_sha256, sender,"
                    " recipient, received_at, disposition) VALUES ('m2', 'D2', 'document', :s, :f, :r, :t,"
                    " 'active')"
                ),
                {"s": "ab" * 32, "f": H41, "r": G22, "t": T0},
            )
            connection.execute(
                text(
                    "INSERT INTO node_document_links (recipient, earlier_document_id, later_document_id,"
                    " business_type, applied, at) VALUES (:r, 'D1', 'D2', 1, true, :t)"
                ),
                {"r": G22, "t": T0},
            )
        migrate(db, revision="0008_document_sender_keys")
        with NodeStore.begin(db, write=False) as store:
            assert [(s.sender, s.status_code) for s in store.timeline("D1", sender=H41)] == [
                (H41, "03"),
                (H41, "13"),
            ]
            assert store.timeline("D1", sender=G22) == []
            (link,) = store.links("D1", sender=H41)
            assert link.sender == H41 and link.later_document_id == "D2"
    finally:
        db.close()
