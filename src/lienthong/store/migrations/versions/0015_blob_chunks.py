"""Blobs kept in the database: one row per blob and its bytes in chunks (``DatabaseBlobStore``).

Created on every dialect; a node uses them when its ``node.json`` says ``"blobs": "postgresql"``
(only allowed on PostgreSQL), so on SQLite they stay empty.

Revision ID: 0015_blob_chunks
Revises: 0014_node_next_tls
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_blob_chunks"
down_revision: str | None = "0014_node_next_tls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "blob_objects",
        sa.Column("id", _ID, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blob_objects")),
        sa.UniqueConstraint("sha256", name=op.f("uq_blob_objects_sha256")),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("object_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["blob_objects.id"],
            name=op.f("fk_blob_chunks_object_id_blob_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_id", "seq", name=op.f("pk_blob_chunks")),
    )


def downgrade() -> None:
    op.drop_table("blob_chunks")
    op.drop_table("blob_objects")
