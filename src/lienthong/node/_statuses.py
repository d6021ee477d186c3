"""``status_entry``: the row a status package makes in the store, whichever side records it
(the sender's node as it submits, ``Direction.OUT``; the recipient's as it receives, ``IN``)."""

from __future__ import annotations

from datetime import datetime

from lienthong.edxml import StatusPackage
from lienthong.node._ids import document_key
from lienthong.store import Direction, StatusEntry


def status_entry(
    package: StatusPackage, addressee: str, digest: str, direction: Direction, at: datetime
) -> StatusEntry:
    return StatusEntry(
        sender=document_key(package)[0],
        document_id=package.document_id,
        reporter=package.from_code,
        addressee=addressee,
        status_code=package.status_code.value,
        timestamp=package.timestamp,
        package_sha256=digest,
        direction=direction,
        recorded_at=at,
        description=package.description,
    )
