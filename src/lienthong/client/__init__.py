"""Python SDK for document-management software: a node's REST API (sync and async) and its
VXP-compatible API.

>>> with Client.from_network("network.json", node="vpcp") as api:  # or from_env()  # doctest: +SKIP
...     for item in api.iter_inbox(acknowledged=False):
...         view = api.document(item.id)
...         api.acknowledge(item.id)
...         api.send_status(item.id, "01")
"""

from lienthong.client._async import AsyncClient
from lienthong.client._base import ENV_CA, ENV_TOKEN, ENV_URL, FilePart, read_network
from lienthong.client._errors import (
    ApiRefused,
    ApiUnavailable,
    ClientError,
    Conflict,
    NotAuthenticated,
    NotFound,
    NotPermitted,
    RequestRejected,
    TlsUntrusted,
    TooLarge,
    Unprocessable,
    WebhookInvalid,
)
from lienthong.client._models import (
    Agency,
    AttachmentSignatures,
    Document,
    DocumentView,
    Event,
    EventPage,
    InboxItem,
    InboxPage,
    Organisation,
    OutboxMessage,
    OutboxPage,
    Package,
    PackageAttachment,
    PdfSignature,
    RecipientState,
    Sent,
    SignatureReport,
    Signer,
    SignerPerson,
    TimelineStep,
    TraceHop,
    Webhook,
)
from lienthong.client._retry import NO_RETRY, TRANSIENT_STATUSES, RetryPolicy
from lienthong.client._sync import Client
from lienthong.client._vxp import VxpClient
from lienthong.client._webhook import verify_webhook
from lienthong.net import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign_webhook,
)

__all__ = [
    "ENV_CA",
    "ENV_TOKEN",
    "ENV_URL",
    "EVENT_ID_HEADER",
    "EVENT_TYPE_HEADER",
    "NO_RETRY",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TRANSIENT_STATUSES",
    "Agency",
    "ApiRefused",
    "ApiUnavailable",
    "AsyncClient",
    "AttachmentSignatures",
    "Client",
    "ClientError",
    "Conflict",
    "Document",
    "DocumentView",
    "Event",
    "EventPage",
    "FilePart",
    "InboxItem",
    "InboxPage",
    "NotAuthenticated",
    "NotFound",
    "NotPermitted",
    "Organisation",
    "OutboxMessage",
    "OutboxPage",
    "Package",
    "PackageAttachment",
    "PdfSignature",
    "RecipientState",
    "RequestRejected",
    "RetryPolicy",
    "Sent",
    "SignatureReport",
    "Signer",
    "SignerPerson",
    "TimelineStep",
    "TlsUntrusted",
    "TooLarge",
    "TraceHop",
    "Unprocessable",
    "VxpClient",
    "Webhook",
    "WebhookInvalid",
    "read_network",
    "sign_webhook",
    "verify_webhook",
]
