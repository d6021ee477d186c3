"""A node's API: clients (REST tokens hashed, VXP systems) and transport acknowledgments.

Revision ID: 0004_api
Revises: 0003_statistics
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0004_api"
down_revision: str | None = "0003_statistics"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE = 32
_DIGEST = 64


def upgrade() -> None:
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token_sha256", sa.String(_DIGEST), nullable=True),
        sa.Column("systemid", sa.String(200), nullable=True),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_api_clients_name")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_clients_token_sha256")),
        sa.UniqueConstraint("systemid", name=op.f("uq_api_clients_systemid")),
    )
    op.create_table(
        "api_acks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(_DIGEST), nullable=False),
        sa.Column("recipient", sa.String(_CODE), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_acks")),
        sa.UniqueConstraint("message_id", "recipient", name="uq_api_acks_message_id_recipient"),
    )


def downgrade() -> None:
    op.drop_table("api_acks")
    op.drop_table("api_clients")
