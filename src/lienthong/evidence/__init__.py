"""Evidence: receipts, the message log's hash chain, and bundles anyone can verify offline.

This package is the trusted verifier: it depends on ``lienthong.trust`` and ``lienthong.edxml``
only (never on the store or the node), so an auditor can check a bundle with nothing but the
network's trust anchors. The formats it defines (signed statements, receipts, log records)
are the ones the node writes.
"""

from lienthong.evidence._archive import PAYLOAD as ARCHIVE_PAYLOAD
from lienthong.evidence._archive import TIMESTAMP as ARCHIVE_TIMESTAMP
from lienthong.evidence._archive import (
    ArchiveReport,
    bundle_name,
    file_sha256,
    tag_files,
    tag_manifest_imprint,
    verify_archive,
)
from lienthong.evidence._bundle import ARCHIVAL_FORMAT as ARCHIVAL_BUNDLE_FORMAT
from lienthong.evidence._bundle import (
    CERTIFICATES_FILE,
    CRLS_FILE,
    DOCUMENT_FILE,
    BundleReport,
    attachment_path,
    ocsp_path,
    package_path,
    receipt_path,
    verify_bundle,
)
from lienthong.evidence._bundle import FORMAT as BUNDLE_FORMAT
from lienthong.evidence._canonical import canonical_json, dump_message, load_message, sha256_hex
from lienthong.evidence._chain import GENESIS, LogKind, LogRecord, link_hash
from lienthong.evidence._errors import BundleInvalid, EvidenceError, StatementInvalid
from lienthong.evidence._receipt import (
    Receipt,
    ReceiptOutcome,
    SignedReceipt,
    read_receipt,
    sign_receipt,
    sign_receipts,
)
from lienthong.evidence._statement import Statement, read_statement, sign_statement

__all__ = [
    "ARCHIVAL_BUNDLE_FORMAT",
    "ARCHIVE_PAYLOAD",
    "ARCHIVE_TIMESTAMP",
    "BUNDLE_FORMAT",
    "CERTIFICATES_FILE",
    "CRLS_FILE",
    "DOCUMENT_FILE",
    "GENESIS",
    "ArchiveReport",
    "BundleInvalid",
    "BundleReport",
    "EvidenceError",
    "LogKind",
    "LogRecord",
    "Receipt",
    "ReceiptOutcome",
    "SignedReceipt",
    "Statement",
    "StatementInvalid",
    "attachment_path",
    "bundle_name",
    "canonical_json",
    "dump_message",
    "file_sha256",
    "link_hash",
    "load_message",
    "ocsp_path",
    "package_path",
    "read_receipt",
    "read_statement",
    "receipt_path",
    "sha256_hex",
    "sign_receipt",
    "sign_receipts",
    "sign_statement",
    "tag_files",
    "tag_manifest_imprint",
    "verify_archive",
    "verify_bundle",
]
