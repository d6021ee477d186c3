"""VXP: the replay memory shared by a node's processes, and the zone a client's clock is pinned to.

Revision ID: 0007_vxp_replays
Revises: 0006_activity_indexes
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0007_vxp_replays"
down_revision: str | None = "0006_activity_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DIGEST = 64


def upgrade() -> None:
    op.create_table(
        "api_vxp_replays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("systemid", sa.String(200), nullable=False),
        sa.Column("mac", sa.String(_DIGEST), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_vxp_replays")),
        sa.UniqueConstraint("systemid", "mac", name="uq_api_vxp_replays_systemid_mac"),
    )
    op.create_index("ix_api_vxp_replays_expires_at", "api_vxp_replays", ["expires_at"])
    op.add_column("api_clients", sa.Column("vxp_timezone", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_clients") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("vxp_timezone")
    op.drop_index("ix_api_vxp_replays_expires_at", table_name="api_vxp_replays")
    op.drop_table("api_vxp_replays")
