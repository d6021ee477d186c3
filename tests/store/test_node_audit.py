"""The node's audit log on both databases: the actions recorded, each once and sorted, for the
audit page's filter; who did each of several things, in one read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


def test_latest_for_names_the_newest_entry_of_each_target(database: Database) -> None:
    with NodeAudit.begin(database) as audit:
        for minute, (actor, action, target) in enumerate(
            [
                ("lan", "status-sent", "m1"),
                ("minh", "status-sent", "m2"),
                ("hoa", "status-sent", "m1"),
                ("lan", "document-sent", "m3"),
            ]
        ):
            audit.record(
                NodeAuditEntry(AT + timedelta(minutes=minute), actor, action, target, {"code": "03"})
            )
    with NodeAudit.begin(database) as audit:
        found = audit.latest_for("status-sent", ["m1", "m2", "m3", "m4"])
        assert audit.latest_for("status-sent", []) == {}
    assert {target: e.actor for target, e in found.items()} == {"m1": "hoa", "m2": "minh"}
    assert found["m2"].params == {"code": "03"} and found["m2"].at == AT + timedelta(minutes=1)
