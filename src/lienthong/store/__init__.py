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
from lienthong.store._blobs import BlobBatch, BlobRef, BlobStore
from lienthong.store._database import (
    DEFAULT_URL,
    Database,
    open_database,
    sqlite_file,
    sqlite_files,
    translate_errors,
)
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
    "DEFAULT_URL",
    "NO_STATUS",
    "PAGE_SIZE",
    "AgencyEntry",
    "AgencyTotals",
    "ApiClientEntry",
    "ApiStore",
    "ArrivalEntry",
    "ArrivalRegister",
    "AuditEntry",
    "BlobBatch",
    "BlobCorrupt",
    "BlobNotFound",
    "BlobRef",
    "BlobStore",
    "CertificateBinding",
    "ClientKind",
    "Database",
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
    "InboxEntry",
    "InboxItem",
    "IndexedDocument",
    "Lease",
    "LeaseHolder",
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
    "ReportOutcome",
    "ReportRecord",
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
    "current_revision",
    "head_revision",
    "lease_holder",
    "migrate",
    "node_day_activity",
    "open_database",
    "outbox_summary",
    "process_holder",
    "sqlite_file",
    "sqlite_files",
    "translate_errors",
]
