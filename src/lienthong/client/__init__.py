"""Python SDK for document-management software: a node's REST API (sync and async) and its
VXP-compatible API.

>>> with Client.from_env() as api:                                    # doctest: +SKIP
...     for item in api.iter_inbox(acknowledged=False):
...         view = api.document(item.id)
...         api.acknowledge(item.id)
...         api.send_status(item.id, "01")
"""

from lienthong.client._async import AsyncClient
from lienthong.client._base import ENV_CA, ENV_TOKEN, ENV_URL, FilePart
from lienthong.client._errors import ApiRefused, ApiUnavailable, ClientError
from lienthong.client._models import (
    Agency,
    Document,
    DocumentView,
    InboxItem,
    InboxPage,
    OutboxMessage,
    OutboxPage,
    RecipientState,
    Sent,
    TimelineStep,
)
from lienthong.client._retry import NO_RETRY, TRANSIENT_STATUSES, RetryPolicy
from lienthong.client._sync import Client
from lienthong.client._vxp import VxpClient

__all__ = [
    "ENV_CA",
    "ENV_TOKEN",
    "ENV_URL",
    "NO_RETRY",
    "TRANSIENT_STATUSES",
    "Agency",
    "ApiRefused",
    "ApiUnavailable",
    "AsyncClient",
    "Client",
    "ClientError",
    "Document",
    "DocumentView",
    "FilePart",
    "InboxItem",
    "InboxPage",
    "OutboxMessage",
    "OutboxPage",
    "RecipientState",
    "RetryPolicy",
    "Sent",
    "TimelineStep",
    "VxpClient",
]
