"""``VxpClient``: the VXP SDK's operations (EDXML.md §4), for software written against it.

Every call is ``POST {endpoint}/{operation}`` with the parameters as ``XroadVnpt-*`` headers,
signed by ``lienthong.vxp.sign_headers``. Answers are JSON ``{status, ErrorCode, ErrorDesc, …}``;
``status: FAIL`` raises ``ApiRefused``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import httpx

from lienthong import _i18n
from lienthong._clock import Clock, utc_now
from lienthong._i18n import Language, msg
from lienthong.client._base import http_options, unreachable
from lienthong.client._errors import ApiRefused
from lienthong.vxp import VIETNAM, hash_file_unpadded, sign_headers

_OCTETS = "application/octet-stream"


class VxpClient:
    """A VXP system (``systemid``, ``secret``) calling its node's VXP-compatible endpoint; its
    timestamps show the time of a clock in ``zone`` (the SDK's JVM default zone)."""

    def __init__(
        self,
        endpoint: str,
        *,
        systemid: str,
        secret: str,
        verify: Path | str | bool = True,
        timeout: float = 60.0,
        clock: Clock = utc_now,
        zone: tzinfo = VIETNAM,
        language: Language | None = None,
    ) -> None:
        self.systemid, self._secret, self._clock, self._zone = systemid, secret, clock, zone
        #: The language ``ErrorDesc`` is asked in (``Accept-Language``): the process's by default.
        self.language: Language = language or _i18n.language()
        self._http = httpx.Client(
            **http_options(endpoint, None, verify, timeout, http2=False, language=self.language)
        )
        self._lock = threading.Lock()
        self._last: datetime | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> VxpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _moment(self) -> datetime:
        """Now, but always at least a millisecond after the previous call: a server refuses a
        signed request it has seen, and the timestamp is signed to the millisecond."""
        with self._lock:
            at = self._clock()
            if self._last is not None and at < self._last + timedelta(milliseconds=1):
                at = self._last + timedelta(milliseconds=1)
            self._last = at
            return at

    def call_raw(self, operation: str, parameters: Mapping[str, str], body: bytes = b"") -> httpx.Response:
        """Send one operation, signed; the answer as it came."""
        headers = sign_headers(
            parameters,
            systemid=self.systemid,
            secret=self._secret,
            at=self._moment(),
            zone=self._zone,
            content_type=_OCTETS,
        )
        try:
            return self._http.post(f"/{operation}", content=body, headers=headers)
        except httpx.TransportError as exc:
            raise unreachable(str(self._http.base_url), exc) from exc

    def call(self, operation: str, parameters: Mapping[str, str], body: bytes = b"") -> dict[str, Any]:
        """Send one operation; the JSON answer when ``status`` is OK."""
        response = self.call_raw(operation, parameters, body)
        try:
            answer = response.json()
        except ValueError as exc:
            raise ApiRefused(
                msg("client-vxp-not-json", status=response.status_code),
                status=response.status_code,
                code="vxp-not-json",
            ) from exc
        if not isinstance(answer, dict) or answer.get("status") != "OK":
            detail = answer if isinstance(answer, dict) else {}
            raise ApiRefused(
                str(detail.get("ErrorDesc") or response.text[:200]),
                status=response.status_code,
                code=str(detail.get("ErrorCode") or "vxp-fail"),
            )
        return answer

    def send_edoc(
        self, data: bytes, *, from_: str, messagetype: str = "edoc", to: list[str] | None = None
    ) -> str:
        """``sendEdoc``: a document (or, with ``messagetype="status"``, a status package); the DocId."""
        parameters = {
            "from": from_,
            "servicetype": "eDoc",
            "messagetype": messagetype,
            "hash-file": hash_file_unpadded(data),
        }
        if to:
            parameters["to"] = json.dumps(to)
        return str(self.call("sendEdoc", parameters, data)["DocId"])

    def received(self, *, messagetype: str = "edoc") -> list[dict[str, Any]]:
        """``getReceivedEdocList``: items not yet acknowledged."""
        answer = self.call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": messagetype})
        return list(answer.get("data") or [])

    def get_edoc(self, doc_id: str) -> bytes:
        """``getEdoc``: the package, decoded from base64."""
        return base64.b64decode(self.call("getEdoc", {"docId": doc_id})["data"])

    def update_status(self, doc_id: str, status: str = "done") -> None:
        """``updateStatus``: acknowledge an item (``done``) or report it unusable (``fail``)."""
        self.call("updateStatus", {"docid": doc_id, "status": status})

    def sent(self, *, messagetype: str = "edoc", doc_id: str | None = None) -> list[dict[str, Any]]:
        """``getSentEdocList``: per recipient, delivery and receive status."""
        parameters = {"servicetype": "eDoc", "messagetype": messagetype}
        if doc_id is not None:
            parameters["docId"] = doc_id
        return list(self.call("getSentEdocList", parameters).get("data") or [])

    def agencies(self) -> list[dict[str, Any]]:
        """``getAgenciesList``: agencies served in the network."""
        return list(self.call("getAgenciesList", {}).get("data") or [])
