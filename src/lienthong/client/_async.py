"""``AsyncClient``: the node's REST API for asyncio code, with retries on transient failures.

The same methods as ``Client``, awaited; requests are built by the same ``_base`` functions."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import IO, Any

import httpx
from pydantic import TypeAdapter

from lienthong._i18n import tr
from lienthong.client import _base
from lienthong.client._base import API_PREFIX, Call, FilePart, decode, refusal
from lienthong.client._errors import ApiUnavailable
from lienthong.client._models import (
    Agency,
    Document,
    DocumentView,
    InboxItem,
    InboxPage,
    OutboxMessage,
    OutboxPage,
    Sent,
)
from lienthong.client._retry import TRANSIENT_STATUSES, RetryPolicy, retryable

_AGENCIES = TypeAdapter(list[Agency])


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
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._rand = rand or random.Random()
        self._http = httpx.AsyncClient(**_base.http_options(base_url, token, verify, timeout))

    @classmethod
    def from_env(cls, **options: Any) -> AsyncClient:
        """A client for ``LIENTHONG_API_URL`` with ``LIENTHONG_API_TOKEN`` (and ``LIENTHONG_CA``)."""
        url, token, verify = _base.from_env()
        return cls(url, token=token, verify=verify, **options)

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
            except retryable(call.method) as exc:
                wait = next(delays, None)
                if wait is None:
                    raise ApiUnavailable(
                        tr(f"không kết nối được điểm kết nối: {exc}", f"cannot reach the node: {exc}")
                    ) from exc
                await asyncio.sleep(wait)
                continue
            if response.status_code in TRANSIENT_STATUSES:
                wait = next(delays, None)
                if wait is None:
                    await response.aread()
                    error = refusal(response)
                    await response.aclose()
                    raise ApiUnavailable(error.message, code=error.code)
                await response.aclose()
                await asyncio.sleep(wait)
                continue
            return response

    # -- the sender's side ---------------------------------------------------------------------

    async def send_package(self, data: bytes) -> Sent:
        """Send an edXML package (document or status); an unsigned one is signed by the node."""
        return decode(await self._send(_base.package_call(data)), Sent)

    async def compose(self, document: Document, files: Sequence[FilePart]) -> Sent:
        """Have the node build, sign and send a document from ``document`` and ``files``."""
        return decode(await self._send(_base.compose_call(document, files)), Sent)

    async def outbox(self, *, agency: str | None = None, cursor: int = 0, limit: int = 100) -> OutboxPage:
        params = {"agency": agency, "cursor": cursor, "limit": limit}
        return decode(await self._send(Call("GET", f"{API_PREFIX}/outbox", params=params)), OutboxPage)

    async def sent(self, message_id: str) -> OutboxMessage:
        """A sent document: delivery and business status per recipient."""
        return decode(await self._send(Call("GET", f"{API_PREFIX}/outbox/{message_id}")), OutboxMessage)

    async def recall(self, message_id: str, reason: str) -> Sent:
        """Ask the recipients to give ``message_id`` back (13); they answer 15 or 16."""
        call = Call("POST", f"{API_PREFIX}/outbox/{message_id}/recall", json={"reason": reason})
        return decode(await self._send(call), Sent)

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
        call = _base.inbox_call(
            agency=agency, kind=kind, sender=sender, acknowledged=acknowledged, cursor=cursor, limit=limit
        )
        return decode(await self._send(call), InboxPage)

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
        return decode(await self._send(Call("GET", f"{API_PREFIX}/inbox/{item_id}")), DocumentView)

    async def acknowledge(self, item_id: str) -> None:
        response = await self._send(Call("POST", f"{API_PREFIX}/inbox/{item_id}/ack"))
        if response.is_error:
            raise refusal(response)

    async def send_status(self, item_id: str, code: str, description: str | None = None) -> Sent:
        """Report status ``code`` (01–06; 02 with a reason; 15/16 to a recall) on a received item."""
        return decode(await self._send(_base.status_call(item_id, code, description)), Sent)

    async def download_package(self, item_id: str, target: IO[bytes]) -> int:
        """Stream the package as received into ``target``; returns the bytes written."""
        return await self._download(f"{API_PREFIX}/inbox/{item_id}/package", target)

    async def download_attachment(self, item_id: str, content_id: str, target: IO[bytes]) -> int:
        return await self._download(f"{API_PREFIX}/inbox/{item_id}/attachments/{content_id}", target)

    async def _download(self, path: str, target: IO[bytes]) -> int:
        response = await self._send(Call("GET", path), stream=True)
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

    # -- the network ---------------------------------------------------------------------------

    async def agencies(self, query: str | None = None, *, served: bool = False) -> list[Agency]:
        params = {"q": query, "served": str(served).lower()}
        response = await self._send(Call("GET", f"{API_PREFIX}/agencies", params=params))
        if response.is_error:
            raise refusal(response)
        return _AGENCIES.validate_json(response.content)
