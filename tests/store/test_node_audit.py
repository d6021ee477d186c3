"""The node's audit log on both databases: the actions recorded, each once and sorted, for the
audit page's filter."""

from __future__ import annotations

from datetime import UTC, datetime

from lienthong.store import Database, NodeAudit, NodeAuditEntry

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_the_actions_recorded_are_listed_once_each_and_sorted(database: Database) -> None:
    with NodeAudit.begin(database) as audit:
        assert audit.actions() == []
        for action in ("user-removed", "login-locked-out", "user-removed", "user-added"):
            audit.record(NodeAuditEntry(AT, "admin", action, "lan", {"ghi_chú": "thử"}))
    with NodeAudit.begin(database) as audit:
        assert audit.actions() == ["login-locked-out", "user-added", "user-removed"]
        assert audit.entries(limit=1)[0].params == {"ghi_chú": "thử"}
