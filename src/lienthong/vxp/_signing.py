"""The VXP SDK's request authentication (``XroadVnpt-*`` headers), both sides.

A client sends each of its logical parameters (``systemid``, ``timestamp``, ``Content-Type``,
``from``, ``servicetype``, ``messagetype``, ``docId``…) as a header ``XroadVnpt-<name>``, lists
the names in ``XroadVnpt-sign-header-key`` (joined by ``;``), puts a compact JSON object of the
prefixed names and values in ``XroadVnpt-sign-header`` (in no fixed order: the SDK fills it from
a hash map), and sends ``XroadVnpt-hash-header``: the lowercase hex HMAC-SHA256 of that JSON
text, keyed with the client's secret. A server therefore computes the HMAC over the JSON text
exactly as received, then checks that every pair in it matches the header actually sent, that
the time is within five minutes, and that the same signed request was not seen before.
(``shared/reference/EDXML.md`` §4.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Final

from lienthong._i18n import tr
from lienthong.errors import LienthongError

__all__ = [
    "PREFIX",
    "ReplayGuard",
    "VxpAuthError",
    "VxpCaller",
    "format_timestamp",
    "parse_timestamp",
    "sign_headers",
    "verify_headers",
]

PREFIX: Final = "XroadVnpt-"
VERSION: Final = "3.0.201608"
USER_AGENT: Final = "JAVASDKAgent/1.0.0 XRoad/VPCP"
#: How far a request's time may be from the server's.
WINDOW: Final = timedelta(minutes=5)
_VIETNAM: Final = timezone(timedelta(hours=7))


class VxpAuthError(LienthongError):
    """Raised when a VXP request's authentication does not hold; ``code`` says which part."""

    code = "vxp-auth"


def format_timestamp(moment: datetime) -> str:
    """``ddMMyyyy'T'HHmmss+SSSS`` in Vietnam's time: the SDK's literal ``+`` and milliseconds."""
    local = moment.astimezone(_VIETNAM)
    return local.strftime("%d%m%YT%H%M%S") + f"+{local.microsecond // 1000:04d}"


def parse_timestamp(text: str) -> datetime:
    """The moment a VXP timestamp names (read as Vietnam's time); raises ValueError."""
    body, _, millis = text.strip().partition("+")
    moment = datetime.strptime(body, "%d%m%YT%H%M%S").replace(tzinfo=_VIETNAM)
    if millis:
        if not millis.isdigit() or len(millis) > 4:
            raise ValueError(text)
        moment += timedelta(milliseconds=int(millis))
    return moment


def _mac(secret: str, text: str) -> str:
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_headers(
    parameters: Mapping[str, str],
    *,
    systemid: str,
    secret: str,
    at: datetime,
    content_type: str | None = None,
) -> dict[str, str]:
    """Headers of a request as the VXP SDK signs it. ``parameters`` are the call's own
    (``from``, ``servicetype``, ``messagetype``, ``docId``…), without the prefix."""
    logical = {"systemid": systemid, "timestamp": format_timestamp(at), **parameters}
    if content_type is not None:
        logical["Content-Type"] = content_type
    signed = {PREFIX + name: value for name, value in logical.items()}
    text = json.dumps(signed, ensure_ascii=False, separators=(",", ":"))
    headers = dict(signed)
    headers[PREFIX + "sign-header-key"] = ";".join(logical)
    headers[PREFIX + "sign-header"] = text
    headers[PREFIX + "hash-header"] = _mac(secret, text)
    headers[PREFIX + "version"] = VERSION
    headers["User-Agent"] = USER_AGENT
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


@dataclass(frozen=True, slots=True)
class VxpCaller:
    """Who a verified request comes from, and what it signed."""

    systemid: str
    timestamp: datetime
    #: The signed parameters, names without the prefix (``from``, ``docId``…).
    parameters: Mapping[str, str]


class ReplayGuard:
    """Remembers the signed requests of the last window, so none is accepted twice.

    In memory and per process; bounded in size (the oldest are forgotten first, and anything
    older than the window is refused by its timestamp anyway).
    """

    def __init__(self, *, limit: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._limit = limit
        self._clock = clock
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is offered within the window; False for a replay."""
        now = self._clock()
        horizon = now - 2 * WINDOW.total_seconds()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < horizon:
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return True


def _refuse(code: str, vi: str, en: str) -> VxpAuthError:
    return VxpAuthError(tr(vi, en), code=code)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify_headers(
    headers: Mapping[str, str],
    *,
    secret_of: Callable[[str], str | None],
    at: datetime,
    replays: ReplayGuard,
) -> VxpCaller:
    """The caller of a request whose ``XroadVnpt-*`` authentication holds; raises VxpAuthError.

    ``secret_of`` gives the secret of a systemid (None for an unknown one).
    """
    systemid = _header(headers, PREFIX + "systemid")
    text = _header(headers, PREFIX + "sign-header")
    mac = _header(headers, PREFIX + "hash-header")
    if not systemid or text is None or not mac:
        raise _refuse(
            "vxp-auth-missing",
            "thiếu tiêu đề xác thực XroadVnpt-*",
            "XroadVnpt-* authentication headers missing",
        )
    secret = secret_of(systemid)
    if secret is None:
        raise _refuse(
            "vxp-unknown-system", f"systemid không xác định: {systemid}", f"unknown systemid: {systemid}"
        )
    if not hmac.compare_digest(_mac(secret, text).encode(), mac.strip().lower().encode("ascii", "replace")):
        raise _refuse("vxp-bad-hmac", "chữ ký HMAC không đúng", "wrong HMAC")
    try:
        signed = json.loads(text)
    except ValueError as exc:
        raise _refuse(
            "vxp-bad-sign-header",
            "XroadVnpt-sign-header không phải JSON",
            "XroadVnpt-sign-header is not JSON",
        ) from exc
    if not isinstance(signed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in signed.items()
    ):
        raise _refuse(
            "vxp-bad-sign-header",
            "XroadVnpt-sign-header phải là đối tượng chuỗi",
            "XroadVnpt-sign-header must map strings to strings",
        )
    for name, value in signed.items():
        if not name.startswith(PREFIX) or _header(headers, name) != value:
            raise _refuse(
                "vxp-header-mismatch",
                f"tiêu đề {name} khác giá trị đã ký",
                f"header {name} differs from what was signed",
            )
    if signed.get(PREFIX + "systemid") != systemid or PREFIX + "timestamp" not in signed:
        raise _refuse(
            "vxp-unsigned", "systemid và timestamp phải được ký", "systemid and timestamp must be signed"
        )
    names = _header(headers, PREFIX + "sign-header-key")
    if names is not None and {n for n in names.split(";") if n} != {k[len(PREFIX) :] for k in signed}:
        raise _refuse(
            "vxp-header-mismatch",
            "XroadVnpt-sign-header-key không khớp",
            "XroadVnpt-sign-header-key does not match",
        )
    try:
        moment = parse_timestamp(signed[PREFIX + "timestamp"])
    except ValueError as exc:
        raise _refuse("vxp-bad-timestamp", "timestamp sai định dạng", "malformed timestamp") from exc
    if abs(moment - at) > WINDOW:
        raise _refuse(
            "vxp-stale", "thời điểm yêu cầu lệch quá 5 phút", "request time more than 5 minutes off"
        )
    if not replays.first_time(f"{systemid}\x00{mac.strip().lower()}"):
        raise _refuse(
            "vxp-replay", "yêu cầu đã được gửi trước đó (phát lại)", "request already seen (replay)"
        )
    parameters = {k[len(PREFIX) :]: v for k, v in signed.items()}
    return VxpCaller(systemid=systemid, timestamp=moment, parameters=parameters)
