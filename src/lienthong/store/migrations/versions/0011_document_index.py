"""The document index: what the console's inbox and outbox lists read, stored at receipt and at
submission (documents stored earlier are indexed by a backfill, not here).

Revision ID: 0011_document_index
Revises: 0010_node_audit
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0011_document_index"
down_revision: str | None = "0010_node_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "node_document_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(32), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("notation", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("subject_key", sa.Text(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=True),
        sa.Column("document_type", sa.Text(), nullable=True),
        sa.Column("promulgated_on", sa.Date(), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("attachments", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_document_index")),
        sa.UniqueConstraint("direction", "message_id", "recipient", name="uq_node_document_index_message"),
    )
    op.create_index(
        "ix_node_document_index_recipient_at", "node_document_index", ["direction", "recipient", "at"]
    )
    op.create_index("ix_node_document_index_sender_at", "node_document_index", ["direction", "sender", "at"])
    op.create_index("ix_node_document_index_urgency", "node_document_index", ["direction", "urgency"])
    op.create_index("ix_node_document_index_package", "node_document_index", ["package_sha256"])


def downgrade() -> None:
    op.drop_table("node_document_index")
