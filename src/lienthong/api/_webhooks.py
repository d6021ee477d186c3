"""Webhooks: a REST client registers a URL; the node POSTs it each event, signed, in order.

Registration gives the client a secret once (``lienthong.net.sign_webhook`` documents the
signature). Sending is ``lienthong.server.WebhookDispatcher``'s, a background loop of the
serving node.

A webhook URL is ``https`` with a certificate chaining to the network's anchors (the TLS context
the node is given, which presents no client certificate: never the node's peer one), or ``http``
to this machine only; its host must resolve to public addresses only, at registration and at
each delivery, unless the operator allows private ones (``_webhook_targets``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

import httpx

from lienthong._i18n import Language, msg
from lienthong.api._errors import DocumentUnknown, RequestInvalid
from lienthong.api._models import Webhook
from lienthong.api._views import message_data, said
from lienthong.api._webhook_targets import Resolve, check_target, resolve_host
from lienthong.evidence import load_message
from lienthong.store import ApiClientEntry, Database, EventStore, WebhookEntry

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def check_webhook_url(url: str, *, allow_private: bool = False, resolve: Resolve = resolve_host) -> str:
    """``url`` if a webhook may use it; ``RequestInvalid`` otherwise. ``allow_private``: the
    operator lets webhooks reach loopback and private addresses (and the host is not resolved)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise RequestInvalid(msg("api-webhook-url-invalid", url=url)) from exc
    secure = parsed.scheme == "https" and bool(parsed.host)
    local = parsed.scheme == "http" and parsed.host in _LOOPBACK
    if not (secure or local) or len(url) > 2000:
        raise RequestInvalid(
            msg("api-webhook-url-refused"),
            code="webhook-url-refused",
        )
    check_target(url, allow_private=allow_private, resolve=resolve)
    return url


def webhook_model(entry: WebhookEntry, language: Language = "vi", *, with_secret: bool = False) -> Webhook:
    last_error = load_message(entry.last_error)
    return Webhook(
        url=entry.url,
        cursor=entry.cursor,
        attempts=entry.attempts,
        next_attempt_at=entry.next_attempt_at,
        last_error=said(last_error, language),
        last_error_message=message_data(last_error),
        secret=entry.secret if with_secret else None,
    )


def register_webhook(
    database: Database,
    client: str,
    url: str,
    *,
    after: int | None = None,
    at: datetime,
    allow_private: bool = False,
    resolve: Resolve = resolve_host,
) -> WebhookEntry:
    """Register (or replace) the webhook of the client named ``client`` with a new secret; events
    after ``after`` (default: only those logged from now on) will be sent. ``allow_private``
    as in ``check_webhook_url``."""
    checked = check_webhook_url(url, allow_private=allow_private, resolve=resolve)
    with EventStore.begin(database) as store:
        cursor = store.head() if after is None else after
        entry = WebhookEntry(
            client=client,
            url=checked,
            secret=secrets.token_urlsafe(32),
            cursor=cursor,
            attempts=0,
            next_attempt_at=at,
            created_at=at,
        )
        store.put_webhook(entry)
    return entry


def _missing(client: ApiClientEntry) -> DocumentUnknown:
    return DocumentUnknown(
        msg("api-webhook-unknown", client=client.name),
        code="webhook-unknown",
    )


def find(database: Database, client: ApiClientEntry) -> WebhookEntry:
    with EventStore.begin(database) as store:
        found = store.webhook(client.name)
    if found is None:
        raise _missing(client)
    return found


def remove(database: Database, client: ApiClientEntry) -> None:
    with EventStore.begin(database) as store:
        removed = store.remove_webhook(client.name)
    if not removed:
        raise _missing(client)
