"""The node: outbox, inbox, receipts, statuses, document links, the hash-chained message log.

Revision ID: 0002_node
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0002_node"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE = 32
_DIGEST = 64
_STATE = 16
_GENESIS = "0" * 64


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "node_outbox",
        _id(),
        sa.Column("message_id", sa.String(_DIGEST), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(_STATE), nullable=False),
        sa.Column("package_sha256", sa.String(_DIGEST), nullable=False),
        sa.Column("sender", sa.String(_CODE), nullable=False),
        sa.Column("recipient", sa.String(_CODE), nullable=False),
        sa.Column("deliver_to", sa.String(_CODE), nullable=False),
        sa.Column("redirected_from", sa.String(_CODE), nullable=True),
        sa.Column("state", sa.String(_STATE), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("deadline", UtcDateTime(), nullable=False),
        sa.Column("lease_until", UtcDateTime(), nullable=True),
        sa.Column("claim_token", sa.String(_DIGEST), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("receipt_sha256", sa.String(_DIGEST), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_outbox")),
        sa.UniqueConstraint("message_id", "recipient", name="uq_node_outbox_message_id_recipient"),
    )
    op.create_index(op.f("ix_node_outbox_document_id"), "node_outbox", ["document_id"])
    op.create_index("ix_node_outbox_due", "node_outbox", ["state", "next_attempt_at"])
    op.create_table(
        "node_inbox",
        _id(),
        sa.Column("message_id", sa.String(_DIGEST), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(_STATE), nullable=False),
        sa.Column("package_sha256", sa.String(_DIGEST), nullable=False),
        sa.Column("sender", sa.String(_CODE), nullable=False),
        sa.Column("recipient", sa.String(_CODE), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("disposition", sa.String(_STATE), nullable=False),
        sa.Column("superseded_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_inbox")),
        sa.UniqueConstraint("message_id", "recipient", name="uq_node_inbox_message_id_recipient"),
    )
    op.create_index(op.f("ix_node_inbox_document_id"), "node_inbox", ["document_id"])
    op.create_table(
        "node_receipts",
        _id(),
        sa.Column("sha256", sa.String(_DIGEST), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("message_id", sa.String(_DIGEST), nullable=False),
        sa.Column("recipient", sa.String(_CODE), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("direction", sa.String(_STATE), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_receipts")),
        sa.UniqueConstraint("sha256", name=op.f("uq_node_receipts_sha256")),
    )
    op.create_index(op.f("ix_node_receipts_message_id"), "node_receipts", ["message_id"])
    op.create_table(
        "node_statuses",
        _id(),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(_CODE), nullable=False),
        sa.Column("addressee", sa.String(_CODE), nullable=False),
        sa.Column("status_code", sa.String(4), nullable=False),
        sa.Column("timestamp", UtcDateTime(), nullable=False),
        sa.Column("package_sha256", sa.String(_DIGEST), nullable=False),
        sa.Column("direction", sa.String(_STATE), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_statuses")),
        sa.UniqueConstraint(
            "document_id", "reporter", "status_code", "timestamp", name="uq_node_statuses_document_id"
        ),
    )
    op.create_table(
        "node_document_links",
        _id(),
        sa.Column("recipient", sa.String(_CODE), nullable=False),
        sa.Column("earlier_document_id", sa.Text(), nullable=False),
        sa.Column("later_document_id", sa.Text(), nullable=False),
        sa.Column("business_type", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_document_links")),
        sa.UniqueConstraint(
            "recipient", "earlier_document_id", "later_document_id", name="uq_node_document_links_recipient"
        ),
    )
    head = op.create_table(
        "node_log_head",
        _id(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(_DIGEST), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_log_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "entry_hash": _GENESIS}])
    op.create_table(
        "node_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(_STATE), nullable=False),
        sa.Column("message_id", sa.String(_DIGEST), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("party", sa.String(_CODE), nullable=False),
        sa.Column("sha256", sa.String(_DIGEST), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(_DIGEST), nullable=False),
        sa.Column("entry_hash", sa.String(_DIGEST), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_node_log")),
    )
    op.create_index(op.f("ix_node_log_document_id"), "node_log", ["document_id"])


def downgrade() -> None:
    for table in (
        "node_log",
        "node_log_head",
        "node_document_links",
        "node_statuses",
        "node_receipts",
        "node_inbox",
        "node_outbox",
    ):
        op.drop_table(table)
