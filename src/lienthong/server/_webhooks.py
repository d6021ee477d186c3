"""``WebhookDispatcher``: the serving node's thread that POSTs each registered webhook its
events, signed, in order (registration is ``lienthong.api``'s).

Like the delivery worker, it is started and stopped by ``NodeService``: for each due webhook it
claims it (a lease, so two processes on one database never both send), POSTs the events after its
cursor one at a time, and moves the cursor on each 2xx, persisted at once: a restart neither
loses nor repeats an acknowledged event. Any other answer, or none, is retried with exponential
backoff and jitter, without end: the event waits. The target is checked again at each delivery
(``lienthong.api.check_webhook_target``). The signature is ``lienthong.net``'s ``sign_webhook``:
one definition for the node that signs and the SDK's ``verify_webhook`` that checks.

The claim is a lease per webhook (its row's ``lease_until`` and claim token), not one
``lienthong.store.Lease`` for the whole dispatch: each client's webhook is sent by one process at
a time, but several processes serve different clients at once; a killed holder's claim ends with
its lease and another process takes the webhook on from its cursor (an event whose 2xx was not yet
recorded is sent again: receivers dedupe by event id).
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx

from lienthong._clock import Clock, utc_now
from lienthong._i18n import Message, msg
from lienthong._loop import BackgroundLoop, Round
from lienthong.api import (
    Event,
    RequestInvalid,
    Resolve,
    check_webhook_target,
    event_model,
    resolve_host,
)
from lienthong.evidence import dump_message
from lienthong.net import sign_webhook
from lienthong.node import Node, RetryPolicy
from lienthong.store import ApiStore, Database, EventStore, WebhookEntry

#: The name it logged under in ``lienthong.api``: log filters and readers keep working.
_log = logging.getLogger("lienthong.api.webhooks")
#: Backoff between attempts at one event: 0.5 s, 1 s, 2 s, … 5 minutes (with jitter), never given up.
WEBHOOK_RETRY = RetryPolicy(base=timedelta(seconds=0.5), cap=timedelta(minutes=5))


def body_of(event: Event) -> bytes:
    return json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode()


class WebhookDispatcher:
    """Sends each webhook its events; ``run_once`` is one pass, ``start``/``stop`` a thread."""

    def __init__(
        self,
        source: Callable[[], Node],
        *,
        verify: Any = True,
        allow_private: bool = False,
        resolve: Resolve = resolve_host,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        idle: float = 0.5,
        batch: int = 50,
        lease: timedelta = timedelta(seconds=60),
        retry: RetryPolicy = WEBHOOK_RETRY,
        clock: Clock = utc_now,
        rand: random.Random | None = None,
    ) -> None:
        self._source = source
        # No proxy from the environment: the address checked must be the one connected to.
        self._http = httpx.Client(verify=verify, transport=transport, timeout=timeout, trust_env=False)
        self._allow_private, self._resolve = allow_private, resolve
        self._batch, self._lease = batch, lease
        self._retry, self._clock = retry, clock
        self._rand = rand or random.Random()
        # A database hiccup is logged and the pass retried after ``idle``, like an idle pass.
        self._loop = BackgroundLoop(
            "webhook pass", self._pass, log=_log, interval=idle, thread="lienthong-webhooks"
        )

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop(timeout=30)

    def close(self) -> None:
        self.stop()
        self._http.close()

    def _pass(self) -> Round:
        return Round.BUSY if self.run_once() else Round.IDLE

    def run_once(self) -> int:
        """Claim the due webhooks and send each its pending events; returns events acknowledged."""
        database = self._source().database
        token = secrets.token_hex(16)
        now = self._clock()
        with EventStore.begin(database) as store:
            hooks = store.claim_webhooks(now=now, until=now + self._lease, token=token, limit=20)
        return sum(self._serve(database, hook, token) for hook in hooks)

    def _serve(self, database: Database, hook: WebhookEntry, token: str) -> int:
        with ApiStore.begin(database) as api:
            client = api.client_by_name(hook.client)
        codes = client.codes if client is not None else ()
        with EventStore.begin(database) as store:
            page = store.events(codes=codes, after=hook.cursor, limit=self._batch)
        cursor, attempts, acknowledged = hook.cursor, hook.attempts, 0
        # Stop well within the lease: past it another process may claim this webhook.
        until = time.monotonic() + self._lease.total_seconds() / 2
        for entry in page.events:
            if self._loop.stopping or time.monotonic() > until:
                break
            error = self._post(hook, event_model(entry))
            if error is not None:
                wait = self._retry.backoff.delay(attempts + 1, self._rand)
                self._settle(database, hook, token, cursor, attempts + 1, wait, error)
                return acknowledged
            cursor, attempts, acknowledged = entry.seq, 0, acknowledged + 1
            self._settle(database, hook, token, cursor, 0, 0.0, None, release=False)
        if not page.events or cursor == page.events[-1].seq:  # all sent: skip what was out of scope
            cursor = max(cursor, page.scanned_to)
        self._settle(database, hook, token, cursor, attempts, 0.0, hook.last_error if attempts else None)
        return acknowledged

    def _post(self, hook: WebhookEntry, event: Event) -> Message | str | None:
        """None when the webhook acknowledged ``event`` with a 2xx; why not otherwise (kept as
        data: the API renders it in the language its caller asks for)."""
        try:  # again at each delivery: the host's addresses may have changed since registration
            check_webhook_target(hook.url, allow_private=self._allow_private, resolve=self._resolve)
        except RequestInvalid as exc:
            return exc.message
        body = body_of(event)
        stamp = int(self._clock().timestamp())
        headers = sign_webhook(hook.secret, body, event_id=event.id, event_type=event.type, timestamp=stamp)
        try:
            response = self._http.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            return msg("server-webhook-unreachable", error=error)
        if response.is_success:
            return None
        return msg("server-webhook-answered", status=response.status_code)

    def _settle(
        self,
        database: Database,
        hook: WebhookEntry,
        token: str,
        cursor: int,
        attempts: int,
        wait: float,
        error: Message | str | None,
        *,
        release: bool = True,
    ) -> None:
        with EventStore.begin(database) as store:
            store.settle_webhook(
                hook.client,
                token=token,
                secret=hook.secret,
                cursor=cursor,
                attempts=attempts,
                next_attempt_at=self._clock() + timedelta(seconds=wait),
                last_error=None if error is None else dump_message(error),
                release=release,
            )
