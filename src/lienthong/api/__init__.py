"""The node's API for document-management software: REST (``/api/v1``) and VXP-compatible.

>>> app = create_app(node)                       # doctest: +SKIP
>>> add_client(node.database, "qlvb", codes=["000.00.00.G22"], at=now).token   # doctest: +SKIP
"""

from lienthong.api._app import create_app, stop_streams
from lienthong.api._context import ApiContext, ApiSettings
from lienthong.api._credentials import IssuedCredentials, add_client, remove_client, token_digest
from lienthong.api._errors import (
    ApiError,
    AuthenticationRequired,
    DocumentUnknown,
    RequestInvalid,
    ScopeForbidden,
    StatusOutOfOrder,
    UploadTooLarge,
)
from lienthong.api._events import EventType, event_model, event_type
from lienthong.api._health import HEALTH_PATH, READY_PATH, Readiness, ReadinessCheck, install_health
from lienthong.api._models import Event
from lienthong.api._problems import STATUS, status_of
from lienthong.api._replays import StoredReplays
from lienthong.api._rules import check_status
from lienthong.api._tokens import TokenCache
from lienthong.api._webhook_targets import Resolve, resolve_host
from lienthong.api._webhook_targets import check_target as check_webhook_target
from lienthong.api._webhooks import check_webhook_url, register_webhook

__all__ = [
    "HEALTH_PATH",
    "READY_PATH",
    "STATUS",
    "ApiContext",
    "ApiError",
    "ApiSettings",
    "AuthenticationRequired",
    "DocumentUnknown",
    "Event",
    "EventType",
    "IssuedCredentials",
    "Readiness",
    "ReadinessCheck",
    "RequestInvalid",
    "Resolve",
    "ScopeForbidden",
    "StatusOutOfOrder",
    "StoredReplays",
    "TokenCache",
    "UploadTooLarge",
    "add_client",
    "check_status",
    "check_webhook_target",
    "check_webhook_url",
    "create_app",
    "event_model",
    "event_type",
    "install_health",
    "register_webhook",
    "remove_client",
    "resolve_host",
    "status_of",
    "stop_streams",
    "token_digest",
]
