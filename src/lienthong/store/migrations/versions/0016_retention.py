"""Retention: policies per agency and document type, legal holds, the archive ledger.

Revision ID: 0016_retention
Revises: 0015_blob_chunks
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0016_retention"
down_revision: str | None = "0015_blob_chunks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "node_retention_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_retention_policies")),
        sa.UniqueConstraint("agency", "document_type", name="uq_node_retention_policies_key"),
    )
    op.create_table(
        "node_legal_holds",
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_node_legal_holds")),
    )
    op.create_table(
        "node_archived",
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(32), nullable=False),
        sa.Column("archive", sa.Text(), nullable=False),
        sa.Column("archive_sha256", sa.String(64), nullable=False),
        sa.Column("archived_at", UtcDateTime(), nullable=False),
        sa.Column("purged_at", UtcDateTime(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_node_archived")),
    )


def downgrade() -> None:
    op.drop_table("node_archived")
    op.drop_table("node_legal_holds")
    op.drop_table("node_retention_policies")
