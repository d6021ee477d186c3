"""Legal holds: a document an operator names is never purged until the hold is released.

Setting and releasing a hold are audited in the node's audit log (who, when, why) in the same
transaction as the hold itself, so a hold never exists without its audit entry.
"""

from __future__ import annotations

from datetime import datetime

from lienthong._i18n import msg
from lienthong.node._errors import NodeError
from lienthong.node._evidence import resolve_document
from lienthong.node._ids import document_message_id
from lienthong.store import Database, LegalHold, NodeAudit, NodeAuditEntry, NodeStore, RetentionStore


def _document(database: Database, name: str) -> tuple[str, str, str]:
    """(message id, sender, DocumentId) of the document ``name`` designates (a message id or
    an item id: a DocumentId alone does not name its sender)."""
    with NodeStore.begin(database, write=False) as store:
        sender, document_id = resolve_document(store, name)
    if sender is None:
        raise NodeError(msg("node-hold-document-unknown", document=name))
    return document_message_id(sender, document_id), sender, document_id


def set_hold(database: Database, name: str, *, reason: str, actor: str, at: datetime) -> LegalHold:
    message_id, sender, document_id = _document(database, name)
    hold = LegalHold(message_id, document_id, sender, reason, actor, at)
    with database.transaction() as session:
        RetentionStore(session).hold(hold)
        NodeAudit(session).record(
            NodeAuditEntry(
                at, actor, "legal-hold-set", message_id, {"reason": reason, "document": document_id}
            )
        )
    return hold


def release_hold(database: Database, name: str, *, reason: str, actor: str, at: datetime) -> bool:
    message_id, _, document_id = _document(database, name)
    with database.transaction() as session:
        released = RetentionStore(session).release(message_id)
        if released:
            NodeAudit(session).record(
                NodeAuditEntry(
                    at, actor, "legal-hold-released", message_id, {"reason": reason, "document": document_id}
                )
            )
    return released
