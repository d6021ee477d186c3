"""A node's next TLS certificate in the directory (a rollover), beside its current one.

Revision ID: 0014_node_next_tls
Revises: 0013_node_seal
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_node_next_tls"
down_revision: str | None = "0013_node_seal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.add_column(sa.Column("next_tls_certificate_pem", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nodes") as batch:
        batch.drop_column("next_tls_certificate_pem")
