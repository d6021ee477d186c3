"""The node's audit log: every console action and configuration change, who, when, on what.

Revision ID: 0010_node_audit
Revises: 0009_console_login_attempts
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0010_node_audit"
down_revision: str | None = "0009_console_login_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "node_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_audit")),
    )
    op.create_index("ix_node_audit_at", "node_audit", ["at"])
    op.create_index("ix_node_audit_actor_id", "node_audit", ["actor", "id"])
    op.create_index("ix_node_audit_target_id", "node_audit", ["target", "id"])


def downgrade() -> None:
    op.drop_table("node_audit")
