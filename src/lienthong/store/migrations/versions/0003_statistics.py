"""The directory's statistics: reports from nodes, and level-1 bodies' regulation dates.

Revision ID: 0003_statistics
Revises: 0002_node
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0003_statistics"
down_revision: str | None = "0002_node"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE = 32
_DIGEST = 64


def upgrade() -> None:
    op.create_table(
        "statistics_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(_CODE), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("report_sha256", sa.String(_DIGEST), nullable=False),
        sa.Column("generated_at", UtcDateTime(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("signed_pdf", sa.Integer(), nullable=False),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("latency_buckets", sa.Text(), nullable=False),
        sa.Column("latency_p50", sa.Float(), nullable=True),
        sa.Column("statuses", sa.Text(), nullable=False),
        sa.Column("sent_to", sa.Text(), nullable=False),
        sa.Column("stuck", sa.Text(), nullable=False),
        sa.Column("last_activity", UtcDateTime(), nullable=True),
        sa.Column("config_version", sa.Integer(), nullable=True),
        sa.Column("certificate_expiry", UtcDateTime(), nullable=True),
        sa.Column("signed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_reports")),
        sa.UniqueConstraint("node", "agency", "day", name="uq_statistics_reports_node_agency_day"),
    )
    op.create_index(op.f("ix_statistics_reports_agency"), "statistics_reports", ["agency"])
    op.create_index(op.f("ix_statistics_reports_day"), "statistics_reports", ["day"])
    op.create_table(
        "agency_regulations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(_CODE), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_regulations")),
        sa.UniqueConstraint("code", name=op.f("uq_agency_regulations_code")),
    )


def downgrade() -> None:
    op.drop_table("agency_regulations")
    op.drop_table("statistics_reports")
