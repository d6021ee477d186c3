"""The node: accepting, delivering and receiving packages, with receipts and the message log.

The protocol is a set of synchronous functions over the store, time always a parameter:

>>> submission = submit(node, package_bytes, at=now)                        # doctest: +SKIP
>>> deliver_due(node, transport, now=now, rand=random.Random())              # doctest: +SKIP
>>> receipt_bytes = receive(node, package_bytes, recipient=code, peer=name, at=now)   # doctest: +SKIP

Its modules fall on two sides that never import each other (``tests/test_layering.py`` holds it):

- the sending side: ``_submit`` (accept, sign, queue), ``_intake`` (submissions in batches),
  ``_deliver`` (send what is due, settle receipts), ``_http`` (the mTLS transport),
  ``_resync`` (a restored node asks its peers for what it lost);
- the receiving side: ``_receive`` (check, store, answer with a receipt), ``_peer_app`` (the
  peer endpoint);
- shared leaves, which import neither side: ``_node``, ``_errors``, ``_ids``, ``_package``,
  ``_signing``, ``_pdf_signing`` (PDFs signed with an agency's key), ``_appearance`` (how those
  signatures look, per agency), ``_checks``, ``_recall``,
  ``_status_rules``, ``_statuses``, ``_transport`` (what a transport is), ``_trace``, ``_wire``,
  ``_retry``, ``_attachment_blobs``, ``_reporting`` (what a statistics report says), ``_index``
  (the lists' rows, from a package parsed once), and the
  node's setup and views: ``_home``, ``_init``, ``_source``, ``_runtime``, ``_evidence``,
  ``_trace_view``, ``_backup`` (a home in one file and back), ``_backup_keys``, the
  resync's ``_resync_wire`` and ``_resync_answer`` (what a peer answers a restored node), and
  its keeping: ``_retention`` (what may go), ``_archive`` (archive, then purge), ``_holds``
  (legal holds);
- ``_in_memory`` joins the sides in one process (its transport calls ``receive``): above both.

Running a node (listeners, the delivery worker, the statistics reporter) is ``lienthong.server``'s.
"""

from lienthong.node._appearance import AppearanceSettings, load_appearance, save_appearance
from lienthong.node._archive import (
    ArchiveOutcome,
    ArchiveSource,
    OcspFetcher,
    archival_bundle,
    archive_and_purge,
    purged,
)
from lienthong.node._attachment_blobs import BlobSink
from lienthong.node._backup import (
    PASSPHRASE_ENV,
    BackupManifest,
    RestoreMarker,
    backup_home,
    load_marker,
    mark_restored,
    restore_home,
)
from lienthong.node._blob_migration import BlobMigration, migrate_blobs
from lienthong.node._deliver import Outcome, check_receipt, deliver_due, settle_failure, settle_receipt
from lienthong.node._doctor import (
    Diagnosis,
    Finding,
    Severity,
    certificates_of,
    days_left,
    diagnose,
    subject_of,
)
from lienthong.node._enrol import Installed, Purpose, Request, activate, install, make_request
from lienthong.node._enrol_directory import Registration, admin_commands, directory_tls, register
from lienthong.node._errors import (
    AppearanceInvalid,
    AttachmentNotPdf,
    DeliveryError,
    NodeError,
    PackageRefused,
    PdfNotSigned,
    PeerTimeout,
    PeerUnreachable,
    ReceiptInvalid,
    Refusal,
)
from lienthong.node._evidence import export_evidence
from lienthong.node._holds import release_hold, set_hold
from lienthong.node._home import BLOB_BACKENDS, DEFAULT_RESYNC_WINDOW_DAYS, NodeHome
from lienthong.node._http import HttpTransport, map_httpx_errors
from lienthong.node._ids import document_key, message_id_of, status_message_id
from lienthong.node._in_memory import InMemoryTransport
from lienthong.node._index import backfill_index, check_pdfs, index_entries, pdf_verdict
from lienthong.node._init import KeyFiles, init_home
from lienthong.node._intake import Intake, intake_for
from lienthong.node._node import Node
from lienthong.node._operations import MAX_REASON, DeliveryNotActionable, give_up_delivery, retry_now
from lienthong.node._package import PackageSource, Spool, package_source, read_package_file
from lienthong.node._pdf_signing import is_pdf, not_pdfs, sign_pdfs
from lienthong.node._peer_app import create_peer_app
from lienthong.node._recall import RecallState, recall_states
from lienthong.node._receive import receive
from lienthong.node._reporting import (
    agency_reports,
    day_window,
    figures_of,
    next_sequence,
    pdf_signatures_valid,
    reported_agencies,
)
from lienthong.node._resync import ResyncTransport, resync_round
from lienthong.node._retention import DEFAULT_RESYNC_WINDOW, due, kept_until, policy_for
from lienthong.node._retry import RetryPolicy, next_attempt
from lienthong.node._runtime import NodeRuntime, RuntimeSettings
from lienthong.node._signing import network_timestamper
from lienthong.node._source import ConfigurationFile, ConfigurationSource
from lienthong.node._status_rules import (
    StatusHistory,
    StatusProblem,
    status_history,
    status_problem,
    visible_steps,
)
from lienthong.node._submit import Submission, SubmitOutcome, submit, submit_many
from lienthong.node._trace import TRACE_HEADER, add_trace_header, hop_header, hop_note
from lienthong.node._trace_view import DocumentTrace, document_trace
from lienthong.node._transport import DeliveryRequest, PeerTransport
from lienthong.node._wire import PACKAGES_PATH, RECEIPT_TYPE, RECIPIENT_HEADER
from lienthong.store import (
    DeliveryState,
    Disposition,
    DocumentLink,
    InboxEntry,
    OutboxEntry,
    ReceiptEntry,
    StatusEntry,
)

__all__ = [
    "BLOB_BACKENDS",
    "DEFAULT_RESYNC_WINDOW",
    "DEFAULT_RESYNC_WINDOW_DAYS",
    "MAX_REASON",
    "PACKAGES_PATH",
    "PASSPHRASE_ENV",
    "RECEIPT_TYPE",
    "RECIPIENT_HEADER",
    "TRACE_HEADER",
    "AppearanceInvalid",
    "AppearanceSettings",
    "ArchiveOutcome",
    "ArchiveSource",
    "AttachmentNotPdf",
    "BackupManifest",
    "BlobMigration",
    "BlobSink",
    "ConfigurationFile",
    "ConfigurationSource",
    "DeliveryError",
    "DeliveryNotActionable",
    "DeliveryRequest",
    "DeliveryState",
    "Diagnosis",
    "Disposition",
    "DocumentLink",
    "DocumentTrace",
    "Finding",
    "HttpTransport",
    "InMemoryTransport",
    "InboxEntry",
    "Installed",
    "Intake",
    "KeyFiles",
    "Node",
    "NodeError",
    "NodeHome",
    "NodeRuntime",
    "OcspFetcher",
    "OutboxEntry",
    "Outcome",
    "PackageRefused",
    "PackageSource",
    "PdfNotSigned",
    "PeerTimeout",
    "PeerTransport",
    "PeerUnreachable",
    "Purpose",
    "RecallState",
    "ReceiptEntry",
    "ReceiptInvalid",
    "Refusal",
    "Registration",
    "Request",
    "RestoreMarker",
    "ResyncTransport",
    "RetryPolicy",
    "RuntimeSettings",
    "Severity",
    "Spool",
    "StatusEntry",
    "StatusHistory",
    "StatusProblem",
    "Submission",
    "SubmitOutcome",
    "activate",
    "add_trace_header",
    "admin_commands",
    "agency_reports",
    "archival_bundle",
    "archive_and_purge",
    "backfill_index",
    "backup_home",
    "certificates_of",
    "check_pdfs",
    "check_receipt",
    "create_peer_app",
    "day_window",
    "days_left",
    "deliver_due",
    "diagnose",
    "directory_tls",
    "document_key",
    "document_trace",
    "due",
    "export_evidence",
    "figures_of",
    "give_up_delivery",
    "hop_header",
    "hop_note",
    "index_entries",
    "init_home",
    "install",
    "intake_for",
    "is_pdf",
    "kept_until",
    "load_appearance",
    "load_marker",
    "make_request",
    "map_httpx_errors",
    "mark_restored",
    "message_id_of",
    "migrate_blobs",
    "network_timestamper",
    "next_attempt",
    "next_sequence",
    "not_pdfs",
    "package_source",
    "pdf_signatures_valid",
    "pdf_verdict",
    "policy_for",
    "purged",
    "read_package_file",
    "recall_states",
    "receive",
    "register",
    "release_hold",
    "reported_agencies",
    "restore_home",
    "resync_round",
    "retry_now",
    "save_appearance",
    "set_hold",
    "settle_failure",
    "settle_receipt",
    "sign_pdfs",
    "status_history",
    "status_message_id",
    "status_problem",
    "subject_of",
    "submit",
    "submit_many",
    "visible_steps",
]
