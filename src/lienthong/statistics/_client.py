"""``StatisticsClient``: sends signed reports to the directory over mutual TLS.

The client presents the node's TLS certificate (``lienthong.net.client_context``). A 2xx answer
means accepted (or already held); 4xx raises ``ReportRejected`` (never resend it as is); no
answer or 5xx raises ``StatisticsUnreachable`` (keep it, retry later). ``flush`` applies those
rules to an outbox and returns the outbox that remains.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from lienthong._i18n import Message, catalogue, msg
from lienthong.errors import message_of
from lienthong.net import problem_data
from lienthong.statistics._errors import ReportRejected, StatisticsUnreachable
from lienthong.statistics._outbox import ReportOutbox
from lienthong.statistics._signing import CONTENT_TYPE, SignedReport

if TYPE_CHECKING:
    import ssl

_log = logging.getLogger("lienthong.statistics.client")

#: Path of the directory's statistics endpoint.
PATH = "/v1/statistics"


def _problem_message(body: object) -> Message | str | None:
    """The directory's refusal: its message as data when the answer carries one this version
    knows (``message_code`` and ``params``), else the text it answered."""
    if not isinstance(body, dict):
        return None
    data = problem_data(body)
    if data is not None and data.code in catalogue("en"):
        return data
    text = body.get("message")
    return str(text) if text else None


class StatisticsClient:
    """Reports to one directory. Close it (or use it as a context manager) when done."""

    def __init__(self, directory_url: str, *, tls: ssl.SSLContext, timeout: float = 30.0) -> None:
        self.url = directory_url.rstrip("/") + PATH
        self._http = httpx.Client(verify=tls, http2=True, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> StatisticsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, signed: SignedReport) -> dict[str, Any]:
        """Send one report; returns the directory's answer (``{"outcome": …}``)."""
        try:
            response = self._http.post(
                self.url, content=signed.to_json(), headers={"Content-Type": CONTENT_TYPE}
            )
        except httpx.HTTPError as exc:
            raise StatisticsUnreachable(
                msg("statistics-directory-unreachable", url=self.url, reason=message_of(exc)), url=self.url
            ) from exc
        if response.status_code >= 500:
            raise StatisticsUnreachable(
                msg("statistics-directory-failed", status=response.status_code),
                url=self.url,
                status=response.status_code,
            )
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            raise ReportRejected(
                _problem_message(body) or response.reason_phrase,
                status=response.status_code,
                problem=str(body.get("code") or "http-error"),
            )
        return dict(body) if isinstance(body, dict) else {}

    def flush(
        self, outbox: ReportOutbox, *, at: datetime, jitter: Callable[[], float] = random.random
    ) -> ReportOutbox:
        """Try every due report once; returns what still waits (failed ones with a later time).

        Stops at the first unreachable answer: the directory is down, the rest can wait too.
        """
        due = outbox.due(at)
        for index, item in enumerate(due):
            try:
                self.send(item.signed)
            except ReportRejected as exc:  # resending it cannot help; the next revision may
                _log.warning("report %s/%s rejected: %s", item.key, item.sequence, exc)
                outbox = outbox.rejected(item.key, item.sequence)
            except StatisticsUnreachable as exc:
                for waiting in due[index:]:
                    outbox = outbox.failed(waiting.key, at=at, error=exc.message, jitter=jitter())
                return outbox
            else:
                outbox = outbox.accepted(item.key, item.sequence)
        return outbox
