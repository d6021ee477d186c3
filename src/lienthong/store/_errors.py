"""Errors of the store, shaped by what the caller does next.

    LienthongError
    └── StoreError                 the database or the blob store failed
        ├── DatabaseUnavailable    cannot connect or the database refused us: retry later, fix the URL
        │   └── DatabaseInterrupted  the server went away or changed role mid-transaction: replay it
        ├── StoreConflict          the change contradicts stored data (a unique key, a foreign key)
        ├── MigrationFailed        the schema could not be brought to the current revision
        ├── BlobNotFound           no blob with that digest
        └── BlobCorrupt            a blob's bytes do not hash to the digest expected

SQLAlchemy's exceptions never pass this boundary: ``translate_errors`` maps them here.
"""

from __future__ import annotations

from lienthong._i18n import Message
from lienthong.errors import StoreError

__all__ = [
    "BlobCorrupt",
    "BlobNotFound",
    "DatabaseInterrupted",
    "DatabaseUnavailable",
    "MigrationFailed",
    "StoreConflict",
    "StoreError",
]


class DatabaseUnavailable(StoreError):
    """Raised when the database cannot be reached or refuses the connection."""

    code = "database-unavailable"


class DatabaseInterrupted(DatabaseUnavailable):
    """Raised when the server went away or changed role during a transaction (connection lost,
    shut down, recovering, read-only after a failover): the transaction did not commit, or its
    commit was not confirmed. Work that is safe to replay runs again (``lienthong.store.replay``)."""

    code = "database-interrupted"


class StoreConflict(StoreError):
    """Raised when a write contradicts stored data: a duplicate key, a missing parent row."""

    code = "store-conflict"


class MigrationFailed(StoreError):
    """Raised when the schema cannot be migrated to the revision this code needs."""

    code = "migration-failed"


class BlobNotFound(StoreError):
    """Raised when the blob store holds no blob with the digest asked for."""

    code = "blob-not-found"

    def __init__(self, message: Message | str, *, digest: str) -> None:
        super().__init__(message)
        #: The SHA-256 digest (hex) that was asked for.
        self.digest = digest


class BlobCorrupt(StoreError):
    """Raised when bytes do not hash to the digest the caller expected (on put or on read)."""

    code = "blob-corrupt"

    def __init__(self, message: Message | str, *, expected: str, actual: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual
