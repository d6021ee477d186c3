"""``Client``: the node's REST API, synchronously, with retries on transient failures.

What to send and how to read the answer is ``_operations``'s, shared with ``AsyncClient``;
this module only sends (and streams)."""

from __future__ import annotations

import random
import time
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx

from lienthong import _i18n
from lienthong._i18n import Language, msg
from lienthong.client import _base
from lienthong.client import _operations as op
from lienthong.client._base import Call, FilePart, SseReader, refusal, unreachable
from lienthong.client._errors import ApiUnavailable
from lienthong.client._models import (
    Agency,
    Document,
    DocumentView,
    Event,
    EventPage,
    InboxItem,
    InboxPage,
    OutboxMessage,
    OutboxPage,
    Sent,
    Signer,
    Webhook,
)
from lienthong.client._retry import TRANSIENT_STATUSES, RetryPolicy, wait_after

T = TypeVar("T")


class Client:
    """A document-management application's connection to its node.

    >>> with Client("https://127.0.0.1:8443", token="…", verify="anchors.pem") as api:  # doctest: +SKIP
    ...     sent = api.compose(Document(sender=…, to=[…], …), [("cv.pdf", pdf, "application/pdf")])
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        verify: Path | str | bool = True,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        rand: random.Random | None = None,
        language: Language | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._rand = rand or random.Random()
        #: The language the node is asked to answer in (``Accept-Language``): by default the
        #: process's (``LIENTHONG_LANG``, the CLI's ``--lang``).
        self.language: Language = language or _i18n.language()
        # ``transport``: httpx's, in place of the network (a test's ``httpx.MockTransport``).
        self._http = httpx.Client(
            **_base.http_options(base_url, token, verify, timeout, http2=False, language=self.language),
            transport=transport,
        )

    @classmethod
    def from_env(cls, **options: Any) -> Client:
        """A client for ``LIENTHONG_API_URL`` with ``LIENTHONG_API_TOKEN`` (and ``LIENTHONG_CA``)."""
        url, token, verify = _base.from_env()
        return cls(url, token=token, verify=verify, **options)

    @classmethod
    def from_network(cls, network: Path | str, node: str | None = None, **options: Any) -> Client:
        """A client for ``node``'s API (the first node if None) in a ``network.json`` as
        ``lienthong demo --state-dir`` writes it: its URL, token and the network's CA."""
        url, token, ca = _base.read_network(network, node)
        return cls(url, token=token, verify=ca, **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- sending with retries ----------------------------------------------------------------

    def _send(self, call: Call, *, stream: bool = False) -> httpx.Response:
        delays = self.retry.delays(self._rand)
        while True:
            try:
                request = self._http.build_request(call.method, call.path, **call.options())
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                wait = wait_after(call.method, delays, error=exc, idempotent=call.idempotent)
                if wait is None:
                    raise unreachable(str(self._http.base_url), exc) from exc
                time.sleep(wait)
                continue
            if response.status_code in TRANSIENT_STATUSES:
                wait = wait_after(
                    call.method, delays, status=response.status_code, idempotent=call.idempotent
                )
                if wait is None:
                    response.read()
                    error = refusal(response)
                    response.close()
                    raise ApiUnavailable(error.message, code=error.code)
                response.close()
                time.sleep(wait)
                continue
            return response

    def _run(self, operation: op.Operation[T]) -> T:
        return operation.answer(self._send(operation.call))

    # -- the sender's side ---------------------------------------------------------------------

    def send_package(self, data: bytes) -> Sent:
        """Send an edXML package (document or status); an unsigned one is signed by the node."""
        return self._run(op.send_package(data))

    def compose(
        self,
        document: Document,
        files: Sequence[FilePart],
        *,
        sign_pdf: bool = False,
        signer: Signer | None = None,
    ) -> Sent:
        """Have the node build, sign and send a document from ``document`` and ``files``;
        ``sign_pdf``: the node first signs each file, all PDFs, with the sender's key (PAdES);
        ``signer``: who signs, as the package's ``SignerInfo``."""
        return self._run(op.compose(document, files, sign_pdf=sign_pdf, signer=signer))

    def outbox(self, *, agency: str | None = None, cursor: int = 0, limit: int = 100) -> OutboxPage:
        return self._run(op.outbox(agency=agency, cursor=cursor, limit=limit))

    def sent(self, message_id: str) -> OutboxMessage:
        """A sent document: delivery and business status per recipient."""
        return self._run(op.sent(message_id))

    def recall(self, message_id: str, reason: str) -> Sent:
        """Ask the recipients to give ``message_id`` back (13); they answer 15 or 16."""
        return self._run(op.recall(message_id, reason))

    # -- the recipient's side ------------------------------------------------------------------

    def inbox(
        self,
        *,
        agency: str | None = None,
        kind: str | None = None,
        sender: str | None = None,
        acknowledged: bool | None = None,
        cursor: int = 0,
        limit: int = 100,
    ) -> InboxPage:
        return self._run(
            op.inbox(
                agency=agency, kind=kind, sender=sender, acknowledged=acknowledged, cursor=cursor, limit=limit
            )
        )

    def iter_inbox(self, *, max_pages: int = 10_000, **filters: Any) -> Iterator[InboxItem]:
        """Every item of the inbox, page after page (at most ``max_pages``)."""
        cursor: int | None = 0
        for _ in range(max_pages):
            if cursor is None:
                return
            page = self.inbox(cursor=cursor, **filters)
            yield from page.items
            cursor = page.next_cursor

    def document(self, item_id: str) -> DocumentView:
        return self._run(op.document(item_id))

    def acknowledge(self, item_id: str) -> None:
        self._run(op.acknowledge(item_id))

    def send_status(self, item_id: str, code: str, description: str | None = None) -> Sent:
        """Report status ``code`` (01–06; 02 with a reason; 15/16 to a recall) on a received item."""
        return self._run(op.send_status(item_id, code, description))

    def download_package(self, item_id: str, target: IO[bytes]) -> int:
        """Stream the package as received into ``target``; returns the bytes written."""
        return self._download(op.package_download(item_id), target)

    def download_attachment(self, item_id: str, content_id: str, target: IO[bytes]) -> int:
        """Stream one attachment into ``target``; returns the bytes written."""
        return self._download(op.attachment_download(item_id, content_id), target)

    def _download(self, call: Call, target: IO[bytes]) -> int:
        response = self._send(call, stream=True)
        try:
            if response.is_error:
                response.read()
                raise refusal(response)
            written = 0
            for chunk in response.iter_bytes(64 * 1024):
                target.write(chunk)
                written += len(chunk)
            return written
        finally:
            response.close()

    # -- events --------------------------------------------------------------------------------

    def events(self, *, after: int = 0, limit: int = 100) -> EventPage:
        """A page of events after ``after`` (pass ``next_after`` back for the next)."""
        return self._run(op.events(after=after, limit=limit))

    def iter_events(self, *, after: int = 0, reconnect: bool = True) -> Generator[Event]:
        """Events after ``after`` as the node logs them (server-sent events), without end.

        A dropped stream is resumed after the last event seen (``reconnect``), with the client's
        retry policy between attempts; a stream the node ends (it stops) is resumed likewise.
        Without ``reconnect`` the iteration ends with the stream (``ApiUnavailable`` if it broke)."""
        cursor = after
        while True:
            response = self._send(op.event_stream(cursor), stream=True)
            reader = SseReader()
            try:
                if response.is_error:
                    response.read()
                    raise refusal(response)
                for line in response.iter_lines():
                    event = reader.feed(line)
                    if event is not None:
                        cursor = event.id
                        yield event
            except httpx.TransportError as exc:
                if not reconnect:
                    raise ApiUnavailable(
                        msg("client-event-stream-broke", reason=str(exc) or type(exc).__name__)
                    ) from exc
            finally:
                response.close()
            if not reconnect:
                return
            time.sleep(self.retry.delay(0, self._rand))

    def set_webhook(self, url: str, *, after: int | None = None) -> Webhook:
        """Register (or replace) this client's webhook; the answer carries the secret, once."""
        return self._run(op.set_webhook(url, after))

    def webhook(self) -> Webhook:
        return self._run(op.webhook())

    def remove_webhook(self) -> None:
        self._run(op.remove_webhook())

    # -- the network ---------------------------------------------------------------------------

    def agencies(self, query: str | None = None, *, served: bool = False) -> list[Agency]:
        """Agencies of the network configuration (by code prefix or words of the name)."""
        return self._run(op.agencies(query, served=served))

    def agency(self, code: str) -> Agency:
        """One agency of the network configuration, and the node serving it."""
        return self._run(op.agency(code))
