"""Retention: which documents a node may archive and purge, decided from its policies.

A policy names an agency served here (or ``ANY_KEY``) and a document type (edXML
``DocumentType/TypeName`` as the document index holds it, or ``ANY_KEY``) and keeps such
documents ``days`` after their last status, or forever (``days`` None). The most specific
policy applies (agency and type, then agency, then type, then the default); with none, a
document is kept forever: nothing is purged unless a policy says so. A document belonging to
several agencies here (a copy for each) is due only when every one of them lets it go.

On top of that a document is due only once its deliveries have ended and the resync window
has passed since its last activity (peers may ask a restored node to resend what it delivered
in that window), and only when that activity is before the cut-off the operator named.
Pure: the store reads, this decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from lienthong.node._home import DEFAULT_RESYNC_WINDOW_DAYS
from lienthong.store import ANY_KEY, HeldDocument, RetentionPolicy

#: The resync window when the node's settings name none (``resync_window_days``).
DEFAULT_RESYNC_WINDOW: Final = timedelta(days=DEFAULT_RESYNC_WINDOW_DAYS)


def policy_for(
    policies: Sequence[RetentionPolicy], *, agency: str, document_type: str
) -> RetentionPolicy | None:
    """The policy that governs ``agency``'s documents of ``document_type`` (None: kept forever)."""
    by_key = {(p.agency, p.document_type): p for p in policies}
    for key in ((agency, document_type), (agency, ANY_KEY), (ANY_KEY, document_type), (ANY_KEY, ANY_KEY)):
        found = by_key.get(key)
        if found is not None:
            return found
    return None


def kept_until(document: HeldDocument, policies: Sequence[RetentionPolicy]) -> datetime | None:
    """When retention lets the document go (None: never)."""
    latest = document.last_activity
    for agency in document.agencies:
        policy = policy_for(policies, agency=agency, document_type=document.document_type)
        if policy is None or policy.days is None:
            return None
        latest = max(latest, document.last_activity + timedelta(days=policy.days))
    return latest


def due(
    document: HeldDocument,
    policies: Sequence[RetentionPolicy],
    *,
    now: datetime,
    before: datetime,
    resync_window: timedelta = DEFAULT_RESYNC_WINDOW,
) -> bool:
    """Whether the document may be archived and purged now."""
    if not document.settled or document.last_activity >= before:
        return False
    if document.last_activity + resync_window > now:
        return False
    until = kept_until(document, policies)
    return until is not None and until <= now
