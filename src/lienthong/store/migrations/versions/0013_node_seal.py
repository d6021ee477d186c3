"""A node's seal certificate in the directory, beside its TLS certificate.

Revision ID: 0013_node_seal
Revises: 0012_arrival_register
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_node_seal"
down_revision: str | None = "0012_arrival_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.add_column(sa.Column("seal_certificate_pem", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.drop_column("seal_certificate_pem")
