"""The console's logins: every attempt (the audit) and every lockout of a user or an address.

Revision ID: 0009_console_login_attempts
Revises: 0008_document_sender_keys
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0009_console_login_attempts"
down_revision: str | None = "0008_document_sender_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_login_attempts")),
    )
    op.create_index("ix_console_login_attempts_user_name_at", "console_login_attempts", ["user_name", "at"])
    op.create_index("ix_console_login_attempts_address_at", "console_login_attempts", ["address", "at"])
    op.create_table(
        "console_lockouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_lockouts")),
    )
    op.create_index(
        "ix_console_lockouts_kind_subject_ends_at", "console_lockouts", ["kind", "subject", "ends_at"]
    )


def downgrade() -> None:
    op.drop_table("console_lockouts")
    op.drop_table("console_login_attempts")
