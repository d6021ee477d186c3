"""``Client``: the node's REST API, synchronously, with retries on transient failures."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
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
    ) -> None:
        self.retry = retry or RetryPolicy()
        self._rand = rand or random.Random()
        self._http = httpx.Client(**_base.http_options(base_url, token, verify, timeout))

    @classmethod
    def from_env(cls, **options: Any) -> Client:
        """A client for ``LIENTHONG_API_URL`` with ``LIENTHONG_API_TOKEN`` (and ``LIENTHONG_CA``)."""
        url, token, verify = _base.from_env()
        return cls(url, token=token, verify=verify, **options)

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
            except retryable(call.method) as exc:
                wait = next(delays, None)
                if wait is None:
                    raise ApiUnavailable(
                        tr(f"không kết nối được điểm kết nối: {exc}", f"cannot reach the node: {exc}")
                    ) from exc
                time.sleep(wait)
                continue
            if response.status_code in TRANSIENT_STATUSES:
                wait = next(delays, None)
                if wait is None:
                    response.read()
                    error = refusal(response)
                    response.close()
                    raise ApiUnavailable(error.message, code=error.code)
                response.close()
                time.sleep(wait)
                continue
            return response

    # -- the sender's side ---------------------------------------------------------------------

    def send_package(self, data: bytes) -> Sent:
        """Send an edXML package (document or status); an unsigned one is signed by the node."""
        return decode(self._send(_base.package_call(data)), Sent)

    def compose(self, document: Document, files: Sequence[FilePart]) -> Sent:
        """Have the node build, sign and send a document from ``document`` and ``files``."""
        return decode(self._send(_base.compose_call(document, files)), Sent)

    def outbox(self, *, agency: str | None = None, cursor: int = 0, limit: int = 100) -> OutboxPage:
        params = {"agency": agency, "cursor": cursor, "limit": limit}
        return decode(self._send(Call("GET", f"{API_PREFIX}/outbox", params=params)), OutboxPage)

    def sent(self, message_id: str) -> OutboxMessage:
        """A sent document: delivery and business status per recipient."""
        return decode(self._send(Call("GET", f"{API_PREFIX}/outbox/{message_id}")), OutboxMessage)

    def recall(self, message_id: str, reason: str) -> Sent:
        """Ask the recipients to give ``message_id`` back (13); they answer 15 or 16."""
        call = Call("POST", f"{API_PREFIX}/outbox/{message_id}/recall", json={"reason": reason})
        return decode(self._send(call), Sent)

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
        call = _base.inbox_call(
            agency=agency, kind=kind, sender=sender, acknowledged=acknowledged, cursor=cursor, limit=limit
        )
        return decode(self._send(call), InboxPage)

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
        return decode(self._send(Call("GET", f"{API_PREFIX}/inbox/{item_id}")), DocumentView)

    def acknowledge(self, item_id: str) -> None:
        response = self._send(Call("POST", f"{API_PREFIX}/inbox/{item_id}/ack"))
        if response.is_error:
            raise refusal(response)

    def send_status(self, item_id: str, code: str, description: str | None = None) -> Sent:
        """Report status ``code`` (01–06; 02 with a reason; 15/16 to a recall) on a received item."""
        return decode(self._send(_base.status_call(item_id, code, description)), Sent)

    def download_package(self, item_id: str, target: IO[bytes]) -> int:
        """Stream the package as received into ``target``; returns the bytes written."""
        return self._download(f"{API_PREFIX}/inbox/{item_id}/package", target)

    def download_attachment(self, item_id: str, content_id: str, target: IO[bytes]) -> int:
        return self._download(f"{API_PREFIX}/inbox/{item_id}/attachments/{content_id}", target)

    def _download(self, path: str, target: IO[bytes]) -> int:
        response = self._send(Call("GET", path), stream=True)
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

    # -- the network ---------------------------------------------------------------------------

    def agencies(self, query: str | None = None, *, served: bool = False) -> list[Agency]:
        params = {"q": query, "served": str(served).lower()}
        response = self._send(Call("GET", f"{API_PREFIX}/agencies", params=params))
        if response.is_error:
            raise refusal(response)
        return _AGENCIES.validate_json(response.content)
