"""Errors of the node, shaped by what the caller does next.

LienthongError
├── NodeError                  the node cannot do what was asked (setup, unknown home)
│   └── AppearanceInvalid      an agency's signature appearance settings cannot be used
├── DeliveryError              this attempt failed; retry later (backoff, until the deadline)
│   ├── PeerUnreachable        no connection to the peer node
│   ├── PeerTimeout            the peer did not answer in time
│   └── ReceiptInvalid         the peer's answer is not a valid receipt for what was sent
└── PackageRejected
    ├── PackageRefused         the node refuses this package for good; ``reason`` says why
    ├── AttachmentNotPdf       an attachment the node was asked to sign is not a PDF
    └── PdfNotSigned           a PDF the node was asked to sign cannot be signed
"""

from __future__ import annotations

import enum

from lienthong._i18n import Message
from lienthong.errors import DeliveryError, NodeError, PackageRejected

__all__ = [
    "AppearanceInvalid",
    "AttachmentNotPdf",
    "DeliveryError",
    "NodeError",
    "PackageRefused",
    "PdfNotSigned",
    "PeerTimeout",
    "PeerUnreachable",
    "ReceiptInvalid",
    "Refusal",
]


class AppearanceInvalid(NodeError):
    """Raised when an agency's appearance settings are refused (images, text, box) or unreadable."""

    code = "appearance-invalid"


class PeerUnreachable(DeliveryError):
    """Raised when the peer node cannot be connected to."""

    code = "peer-unreachable"


class PeerTimeout(DeliveryError):
    """Raised when the peer node does not answer in time."""

    code = "peer-timeout"


class ReceiptInvalid(DeliveryError):
    """Raised when a peer's answer is no valid receipt, is untrusted, or is for something else."""

    code = "receipt-invalid"


class Refusal(enum.StrEnum):
    """Why a node refuses a package; travels as ``reason_code`` in negative receipts."""

    TOO_LARGE = "too-large"
    MALFORMED = "malformed"
    #: A field longer than QCVN 102:2016 allows (``lienthong.edxml.FIELD_LENGTHS``).
    FIELD_TOO_LONG = "field-too-long"
    SIGNATURE = "signature"
    SIGNER_NOT_SENDER = "signer-not-sender"
    NOT_SERVED_HERE = "not-served-here"
    #: The TLS peer is not the node the configuration names for the package's ``From``.
    PEER_NOT_SENDER_NODE = "peer-not-sender-node"
    NOT_ADDRESSED = "not-addressed"
    UNKNOWN_DOCUMENT = "unknown-document"
    MESSAGE_CONFLICT = "message-conflict"
    RECIPIENT_UNKNOWN = "recipient-unknown"
    NO_SIGNER = "no-signer"
    #: A status that may not follow those already exchanged (a 15 or 16 answering no recall).
    OUT_OF_ORDER = "out-of-order"


class PackageRefused(PackageRejected):
    """Raised when a node refuses a package; resending it unchanged cannot help."""

    code = "package-refused"

    def __init__(self, message: Message | str, *, reason: Refusal) -> None:
        super().__init__(message, code=reason.value)
        #: Why, as a stable word (also the receipt's ``reason_code``).
        self.reason = reason


class AttachmentNotPdf(PackageRejected):
    """Raised when the node is asked to sign attachments and some are not PDFs; names them."""

    code = "attachment-not-pdf"


class PdfNotSigned(PackageRejected):
    """Raised when a PDF the node was asked to sign cannot be read or signed; names the file."""

    code = "pdf-not-signed"
