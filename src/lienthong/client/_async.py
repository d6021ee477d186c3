"""``AsyncClient``: the node's REST API for asyncio code, with retries on transient failures.

The same methods as ``Client``, awaited; what to send and how to read the answer is
``_operations``'s, shared by both."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
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


class AsyncClient:
    """A document-management application's connection to its node.

    >>> async with AsyncClient(url, token=token, verify="anchors.pem") as api:  # doctest: +SKIP
    ...     sent = await api.compose(document, [("cv.pdf", pdf, "application/pdf")])
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
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._rand = rand or random.Random()
        #: The language the node is asked to answer in (``Accept-Language``): by default the
        #: process's (``LIENTHONG_LANG``, the CLI's ``--lang``).
        self.language: Language = language or _i18n.language()
        # ``transport``: httpx's, in place of the network (a test's ``httpx.MockTransport``).
        self._http = httpx.AsyncClient(
            **_base.http_options(base_url, token, verify, timeout, http2=True, language=self.language),
            transport=transport,
        )

    @classmethod
    def from_env(cls, **options: Any) -> AsyncClient:
        """A client for ``LIENTHONG_API_URL`` with ``LIENTHONG_API_TOKEN`` (and ``LIENTHONG_CA``)."""
        url, token, verify = _base.from_env()
        return cls(url, token=token, verify=verify, **options)

    @classmethod
    def from_network(cls, network: Path | str, node: str | None = None, **options: Any) -> AsyncClient:
        """A client for ``node``'s API (the first node if None) in a ``network.json`` as
        ``lienthong demo --state-dir`` writes it: its URL, token and the network's CA."""
        url, token, ca = _base.read_network(network, node)
        return cls(url, token=token, verify=ca, **options)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- sending with retries ----------------------------------------------------------------

    async def _send(self, call: Call, *, stream: bool = False) -> httpx.Response:
        delays = self.retry.delays(self._rand)
        while True:
            try:
                request = self._http.build_request(call.method, call.path, **call.options())
                response = await self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                wait = wait_after(call.method, delays, error=exc, idempotent=call.idempotent)
                if wait is None:
                    raise unreachable(str(self._http.base_url), exc) from exc
                await asyncio.sleep(wait)
                continue
            if response.status_code in TRANSIENT_STATUSES:
                wait = wait_after(
                    call.method, delays, status=response.status_code, idempotent=call.idempotent
                )
                if wait is None:
                    await response.aread()
                    error = refusal(response)
                    await response.aclose()
                    raise ApiUnavailable(error.message, code=error.code)
                await response.aclose()
                await asyncio.sleep(wait)
                continue
            return response

    async def _run(self, operation: op.Operation[T]) -> T:
        return operation.answer(await self._send(operation.call))

    # -- the sender's side ---------------------------------------------------------------------

    async def send_package(self, data: bytes) -> Sent:
        """Send an edXML package (document or status); an unsigned one is signed by the node."""
        return await self._run(op.send_package(data))

    async def compose(
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
        return await self._run(op.compose(document, files, sign_pdf=sign_pdf, signer=signer))

    async def outbox(self, *, agency: str | None = None, cursor: int = 0, limit: int = 100) -> OutboxPage:
        return await self._run(op.outbox(agency=agency, cursor=cursor, limit=limit))

    async def sent(self, message_id: str) -> OutboxMessage:
        """A sent document: delivery and business status per recipient."""
        return await self._run(op.sent(message_id))

    async def recall(self, message_id: str, reason: str) -> Sent:
        """Ask the recipients to give ``message_id`` back (13); they answer 15 or 16."""
        return await self._run(op.recall(message_id, reason))

    # -- the recipient's side ------------------------------------------------------------------

    async def inbox(
        self,
        *,
        agency: str | None = None,
        kind: str | None = None,
        sender: str | None = None,
        acknowledged: bool | None = None,
        cursor: int = 0,
        limit: int = 100,
    ) -> InboxPage:
        return await self._run(
            op.inbox(
                agency=agency, kind=kind, sender=sender, acknowledged=acknowledged, cursor=cursor, limit=limit
            )
        )

    async def iter_inbox(self, *, max_pages: int = 10_000, **filters: Any) -> AsyncIterator[InboxItem]:
        """Every item of the inbox, page after page (at most ``max_pages``)."""
        cursor: int | None = 0
        for _ in range(max_pages):
            if cursor is None:
                return
            page = await self.inbox(cursor=cursor, **filters)
            for item in page.items:
                yield item
            cursor = page.next_cursor

    async def document(self, item_id: str) -> DocumentView:
        return await self._run(op.document(item_id))

    async def acknowledge(self, item_id: str) -> None:
        await self._run(op.acknowledge(item_id))

    async def send_status(self, item_id: str, code: str, description: str | None = None) -> Sent:
        """Report status ``code`` (01–06; 02 with a reason; 15/16 to a recall) on a received item."""
        return await self._run(op.send_status(item_id, code, description))

    async def download_package(self, item_id: str, target: IO[bytes]) -> int:
        """Stream the package as received into ``target``; returns the bytes written."""
        return await self._download(op.package_download(item_id), target)

    async def download_attachment(self, item_id: str, content_id: str, target: IO[bytes]) -> int:
        """Stream one attachment into ``target``; returns the bytes written."""
        return await self._download(op.attachment_download(item_id, content_id), target)

    async def _download(self, call: Call, target: IO[bytes]) -> int:
        response = await self._send(call, stream=True)
        try:
            if response.is_error:
                await response.aread()
                raise refusal(response)
            written = 0
            async for chunk in response.aiter_bytes(64 * 1024):
                target.write(chunk)
                written += len(chunk)
            return written
        finally:
            await response.aclose()

    # -- events --------------------------------------------------------------------------------

    async def events(self, *, after: int = 0, limit: int = 100) -> EventPage:
        """A page of events after ``after`` (pass ``next_after`` back for the next)."""
        return await self._run(op.events(after=after, limit=limit))

    async def iter_events(self, *, after: int = 0, reconnect: bool = True) -> AsyncGenerator[Event]:
        """Events after ``after`` as the node logs them (server-sent events), without end.

        A dropped stream is resumed after the last event seen (``reconnect``), with the client's
        retry policy between attempts; a stream the node ends (it stops) is resumed likewise.
        Without ``reconnect`` the iteration ends with the stream (``ApiUnavailable`` if it broke)."""
        cursor = after
        while True:
            response = await self._send(op.event_stream(cursor), stream=True)
            reader = SseReader()
            try:
                if response.is_error:
                    await response.aread()
                    raise refusal(response)
                async for line in response.aiter_lines():
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
                await response.aclose()
            if not reconnect:
                return
            await asyncio.sleep(self.retry.delay(0, self._rand))

    async def set_webhook(self, url: str, *, after: int | None = None) -> Webhook:
        """Register (or replace) this client's webhook; the answer carries the secret, once."""
        return await self._run(op.set_webhook(url, after))

    async def webhook(self) -> Webhook:
        return await self._run(op.webhook())

    async def remove_webhook(self) -> None:
        await self._run(op.remove_webhook())

    # -- the network ---------------------------------------------------------------------------

    async def agencies(self, query: str | None = None, *, served: bool = False) -> list[Agency]:
        """Agencies of the network configuration (by code prefix or words of the name)."""
        return await self._run(op.agencies(query, served=served))

    async def agency(self, code: str) -> Agency:
        """One agency of the network configuration, and the node serving it."""
        return await self._run(op.agency(code))
