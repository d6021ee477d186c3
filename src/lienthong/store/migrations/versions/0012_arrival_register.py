"""The incoming register of each agency served: arrival number (số đến) and date per document.

Revision ID: 0012_arrival_register
Revises: 0011_document_index
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0012_arrival_register"
down_revision: str | None = "0011_document_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "arrival_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrival_register")),
        sa.UniqueConstraint("agency", "year", "number", name="uq_arrival_register_number"),
        sa.UniqueConstraint("agency", "message_id", name="uq_arrival_register_message"),
    )
    op.create_index("ix_arrival_register_agency_year", "arrival_register", ["agency", "year"])


def downgrade() -> None:
    op.drop_table("arrival_register")
