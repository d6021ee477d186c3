"""The directory: agencies, nodes and their subtrees, bindings, anchors, CRLs, audit.

Revision ID: 0001
Revises:
Create Date: 2025-07-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lienthong.store._rows import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE = 32
_FINGERPRINT = 64


def _version() -> sa.Column[int]:
    return sa.Column("version", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_state")),
    )
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(_CODE), nullable=False),
        sa.Column("class_letter", sa.String(1), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("parent", sa.String(_CODE), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("successor", sa.String(_CODE), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("code", "valid_from", name="uq_agencies_code_valid_from"),
    )
    op.create_index(op.f("ix_agencies_code"), "agencies", ["code"])
    op.create_index(op.f("ix_agencies_version"), "agencies", ["version"])
    op.create_table(
        "nodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("peer_url", sa.Text(), nullable=False),
        sa.Column("tls_certificate_pem", sa.Text(), nullable=True),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nodes")),
        sa.UniqueConstraint("name", name=op.f("uq_nodes_name")),
    )
    op.create_index(op.f("ix_nodes_version"), "nodes", ["version"])
    op.create_table(
        "node_subtrees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(_CODE), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        _version(),
        sa.ForeignKeyConstraint(
            ["node_id"], ["nodes.id"], name=op.f("fk_node_subtrees_node_id_nodes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_node_subtrees")),
        sa.UniqueConstraint("code", name=op.f("uq_node_subtrees_code")),
    )
    op.create_index(op.f("ix_node_subtrees_version"), "node_subtrees", ["version"])
    op.create_table(
        "certificate_bindings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(_FINGERPRINT), nullable=False),
        sa.Column("code", sa.String(_CODE), nullable=False),
        sa.Column("subtree", sa.Boolean(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_bindings")),
        sa.UniqueConstraint("fingerprint", "code", name="uq_certificate_bindings_fingerprint_code"),
    )
    op.create_index(op.f("ix_certificate_bindings_fingerprint"), "certificate_bindings", ["fingerprint"])
    op.create_index(op.f("ix_certificate_bindings_version"), "certificate_bindings", ["version"])
    op.create_table(
        "trust_anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(_FINGERPRINT), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_anchors")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_trust_anchors_fingerprint")),
    )
    op.create_index(op.f("ix_trust_anchors_version"), "trust_anchors", ["version"])
    op.create_table(
        "revocation_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(_FINGERPRINT), nullable=False),
        sa.Column("crl_pem", sa.Text(), nullable=False),
        sa.Column("this_update", UtcDateTime(), nullable=False),
        sa.Column("next_update", UtcDateTime(), nullable=True),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revocation_lists")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_revocation_lists_fingerprint")),
    )
    op.create_index(op.f("ix_revocation_lists_version"), "revocation_lists", ["version"])
    op.create_table(
        "tombstones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tombstones")),
    )
    op.create_index("ix_tombstones_version", "tombstones", ["version"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        _version(),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_version"), "audit_log", ["version"])
    op.bulk_insert(
        sa.table("directory_state", sa.column("id", sa.Integer()), sa.column("version", sa.Integer())),
        [{"id": 1, "version": 0}],
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "tombstones",
        "revocation_lists",
        "trust_anchors",
        "certificate_bindings",
        "node_subtrees",
        "nodes",
        "agencies",
        "directory_state",
    ):
        op.drop_table(table)
