"""Storage: databases (SQLite or PostgreSQL) with their migrations, and the blob store.

>>> database = open_database("sqlite:///./lienthong.db")   # doctest: +SKIP
>>> migrate(database)                                        # doctest: +SKIP
'0001'

ORM rows never leave this package: ``DirectoryStore`` and ``NodeStore`` take and return
frozen entries.

Several processes sharing one database act as one node: ``Lease`` lets a job run in one of them
at a time (taken over when its holder dies; any job that must run once, such as an archive or
purge job, holds one: ``if lease.hold(): work()`` each round), and ``DatabaseSessions`` keeps the
web pages' sessions where every process finds them.
"""

from lienthong.store._api_entries import ApiClientEntry, ClientKind, InboxItem
from lienthong.store._api_store import ApiStore
from lienthong.store._arrival_register import ArrivalEntry, ArrivalRegister, NumberTaken
from lienthong.store._backup_reads import log_head_of, referenced_blobs, snapshot_sqlite
from lienthong.store._blob_copy import BlobCopied, copy_blobs, purge_copied
from lienthong.store._blob_guard import BlobsBusy, migrating_blobs, serving_blobs
from lienthong.store._blob_storage import BlobStaging, BlobStorage
from lienthong.store._blobs import BlobBatch, BlobRef, BlobStore
from lienthong.store._database import (
    DEFAULT_URL,
    Database,
    open_database,
    sqlite_file,
    sqlite_files,
    translate_errors,
)
from lienthong.store._database_blobs import DatabaseBlobStore
from lienthong.store._directory_store import DirectoryStore
from lienthong.store._document_index import (
    NO_STATUS,
    PAGE_SIZE,
    DocumentIndex,
    IndexedDocument,
    ListedDocument,
    ListPage,
    ListQuery,
    ListSort,
    PartyState,
    Unindexed,
)
from lienthong.store._entries import (
    AgencyEntry,
    AuditEntry,
    CertificateBinding,
    DirectorySnapshot,
    NodeEntry,
    RevocationList,
    Tombstone,
    TrustAnchor,
)
from lienthong.store._errors import (
    BlobCorrupt,
    BlobNotFound,
    DatabaseInterrupted,
    DatabaseUnavailable,
    MigrationFailed,
    StoreConflict,
    StoreError,
)
from lienthong.store._event_entries import EventEntry, EventPage, WebhookEntry
from lienthong.store._event_store import EventStore
from lienthong.store._leases import Lease, LeaseHolder, lease_holder, process_holder
from lienthong.store._login_entries import Lockout, LockoutKind, LoginAttempt, LoginOutcome
from lienthong.store._login_store import LoginStore
from lienthong.store._migrate import current_revision, head_revision, migrate
from lienthong.store._node_audit import NodeAudit, NodeAuditEntry
from lienthong.store._node_entries import (
    DeliveryState,
    Direction,
    Disposition,
    DocumentLink,
    InboxEntry,
    LogEntry,
    MessageQuery,
    MessageSummary,
    OutboxEntry,
    OutboxItem,
    PackageKind,
    ReceiptEntry,
    StatusEntry,
)
from lienthong.store._node_probe import OutboxSummary, check_writable, outbox_summary
from lienthong.store._node_statistics import DayActivity, ReceivedDocument, SentDelivery, node_day_activity
from lienthong.store._node_store import NodeStore
from lienthong.store._replay import ReplayPolicy, replay
from lienthong.store._resync_store import ResyncStore
from lienthong.store._retention import (
    ANY as ANY_KEY,
)
from lienthong.store._retention import (
    Archived,
    HeldDocument,
    LegalHold,
    RetentionPolicy,
    RetentionStore,
)
from lienthong.store._statistics_entries import (
    AgencyTotals,
    DayTotals,
    NodeHealth,
    RegulationEntry,
    ReportOutcome,
    ReportRecord,
    StuckItem,
    Totals,
)
from lienthong.store._statistics_store import StatisticsStore
from lienthong.store._web_sessions import DatabaseSessions

__all__ = [
    "ANY_KEY",
    "DEFAULT_URL",
    "NO_STATUS",
    "PAGE_SIZE",
    "AgencyEntry",
    "AgencyTotals",
    "ApiClientEntry",
    "ApiStore",
    "Archived",
    "ArrivalEntry",
    "ArrivalRegister",
    "AuditEntry",
    "BlobBatch",
    "BlobCopied",
    "BlobCorrupt",
    "BlobNotFound",
    "BlobRef",
    "BlobStaging",
    "BlobStorage",
    "BlobStore",
    "BlobsBusy",
    "CertificateBinding",
    "ClientKind",
    "Database",
    "DatabaseBlobStore",
    "DatabaseInterrupted",
    "DatabaseSessions",
    "DatabaseUnavailable",
    "DayActivity",
    "DayTotals",
    "DeliveryState",
    "Direction",
    "DirectorySnapshot",
    "DirectoryStore",
    "Disposition",
    "DocumentIndex",
    "DocumentLink",
    "EventEntry",
    "EventPage",
    "EventStore",
    "HeldDocument",
    "InboxEntry",
    "InboxItem",
    "IndexedDocument",
    "Lease",
    "LeaseHolder",
    "LegalHold",
    "ListPage",
    "ListQuery",
    "ListSort",
    "ListedDocument",
    "Lockout",
    "LockoutKind",
    "LogEntry",
    "LoginAttempt",
    "LoginOutcome",
    "LoginStore",
    "MessageQuery",
    "MessageSummary",
    "MigrationFailed",
    "NodeAudit",
    "NodeAuditEntry",
    "NodeEntry",
    "NodeHealth",
    "NodeStore",
    "NumberTaken",
    "OutboxEntry",
    "OutboxItem",
    "OutboxSummary",
    "PackageKind",
    "PartyState",
    "ReceiptEntry",
    "ReceivedDocument",
    "RegulationEntry",
    "ReplayPolicy",
    "ReportOutcome",
    "ReportRecord",
    "ResyncStore",
    "RetentionPolicy",
    "RetentionStore",
    "RevocationList",
    "SentDelivery",
    "StatisticsStore",
    "StatusEntry",
    "StoreConflict",
    "StoreError",
    "StuckItem",
    "Tombstone",
    "Totals",
    "TrustAnchor",
    "Unindexed",
    "WebhookEntry",
    "check_writable",
    "copy_blobs",
    "current_revision",
    "head_revision",
    "lease_holder",
    "log_head_of",
    "migrate",
    "migrating_blobs",
    "node_day_activity",
    "open_database",
    "outbox_summary",
    "process_holder",
    "purge_copied",
    "referenced_blobs",
    "replay",
    "serving_blobs",
    "snapshot_sqlite",
    "sqlite_file",
    "sqlite_files",
    "translate_errors",
]
