"""Indexes on the node's time columns: the statistics reporter reads one day at a time.

Without them each report round scans the whole outbox, inbox and status history.

Revision ID: 0006_activity_indexes
Revises: 0005_events
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_activity_indexes"
down_revision: str | None = "0005_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("node_outbox", "created_at"),
    ("node_inbox", "received_at"),
    ("node_statuses", "recorded_at"),
)


def upgrade() -> None:
    for table, column in _INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    for table, column in reversed(_INDEXES):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
