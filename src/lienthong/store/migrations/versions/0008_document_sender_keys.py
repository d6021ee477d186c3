"""A document is named by its sender and its DocumentId: statuses and document links say whose.

A DocumentId is chosen by the sender's software and may be anything (a UUID, another agency's
number): keyed by DocumentId alone, one sender's statuses and links could attach to another's
document. Existing rows get their sender from what the protocol already fixed: a 13 is sent by
the document's sender, every other status by a recipient to the sender (its addressee); a link
is made when the later document is received, whose inbox row names its sender.

Revision ID: 0008_document_sender_keys
Revises: 0007_vxp_replays
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_document_sender_keys"
down_revision: str | None = "0007_vxp_replays"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CODE = 32
_LINK_KEY = ("recipient", "earlier_document_id", "later_document_id")
_STATUS_KEY = ("document_id", "reporter", "status_code", "timestamp")


def upgrade() -> None:
    op.add_column("node_statuses", sa.Column("sender", sa.String(_CODE), nullable=True))
    op.execute(
        "UPDATE node_statuses SET sender = CASE WHEN status_code = '13' THEN reporter ELSE addressee END"
    )
    with op.batch_alter_table("node_statuses") as batch:
        batch.alter_column("sender", existing_type=sa.String(_CODE), nullable=False)
        batch.drop_constraint("uq_node_statuses_document_id", type_="unique")
        batch.create_unique_constraint("uq_node_statuses_sender", ["sender", *_STATUS_KEY])
    op.add_column("node_document_links", sa.Column("sender", sa.String(_CODE), nullable=True))
    op.execute(
        "UPDATE node_document_links SET sender = COALESCE(("
        " SELECT MIN(i.sender) FROM node_inbox i"
        " WHERE i.document_id = node_document_links.later_document_id"
        " AND i.recipient = node_document_links.recipient AND i.kind = 'document'), '')"
    )
    with op.batch_alter_table("node_document_links") as batch:
        batch.alter_column("sender", existing_type=sa.String(_CODE), nullable=False)
        batch.drop_constraint("uq_node_document_links_recipient", type_="unique")
        batch.create_unique_constraint(
            "uq_node_document_links_recipient", ["recipient", "sender", *_LINK_KEY[1:]]
        )


def downgrade() -> None:
    with op.batch_alter_table("node_document_links") as batch:
        batch.drop_constraint("uq_node_document_links_recipient", type_="unique")
        batch.create_unique_constraint("uq_node_document_links_recipient", list(_LINK_KEY))
        batch.drop_column("sender")
    with op.batch_alter_table("node_statuses") as batch:
        batch.drop_constraint("uq_node_statuses_sender", type_="unique")
        batch.create_unique_constraint("uq_node_statuses_document_id", list(_STATUS_KEY))
        batch.drop_column("sender")
