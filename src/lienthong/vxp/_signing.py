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

The timestamp is wall-clock time with no zone (``_zones``): it is fresh if it is within the
window read in the client's pinned zone or, by default, read as Vietnam's time or as UTC.
An unknown systemid and a wrong HMAC are one refusal, reached by the same work.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final

from lienthong._i18n import Message, msg
from lienthong.errors import LienthongError
from lienthong.vxp._replays import ReplayGuard
from lienthong.vxp._zones import DEFAULT_ZONES, VIETNAM

__all__ = [
    "PREFIX",
    "VxpAuthError",
    "VxpCaller",
    "VxpSystem",
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
#: Keys an unknown systemid's HMAC, so that it costs what a known one's does.
_NO_SECRET: Final = "lienthong: no such systemid"


class VxpAuthError(LienthongError):
    """Raised when a VXP request's authentication does not hold; ``code`` says which part."""

    code = "vxp-auth"


def format_timestamp(moment: datetime, *, zone: tzinfo = VIETNAM) -> str:
    """``ddMMyyyy'T'HHmmss+SSSS``: ``moment`` as a clock in ``zone`` shows it, with the SDK's
    literal ``+`` and milliseconds (no zone in the text)."""
    local = moment.astimezone(zone)
    return local.strftime("%d%m%YT%H%M%S") + f"+{local.microsecond // 1000:04d}"


def parse_timestamp(text: str) -> datetime:
    """The wall-clock time a VXP timestamp shows (naive: the text names no zone); raises ValueError."""
    body, _, millis = text.strip().partition("+")
    moment = datetime.strptime(body, "%d%m%YT%H%M%S")
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
    zone: tzinfo = VIETNAM,
    content_type: str | None = None,
) -> dict[str, str]:
    """Headers of a request as the VXP SDK signs it, its clock in ``zone``. ``parameters`` are
    the call's own (``from``, ``servicetype``, ``messagetype``, ``docId``…), without the prefix."""
    logical = {"systemid": systemid, "timestamp": format_timestamp(at, zone=zone), **parameters}
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
class VxpSystem:
    """What a server knows of a VXP system: its secret, and the zone its clock is pinned to."""

    secret: str
    #: The zone its timestamps are read in; None: read as Vietnam's time or as UTC.
    zone: tzinfo | None = None


@dataclass(frozen=True, slots=True)
class VxpCaller:
    """Who a verified request comes from, and what it signed."""

    systemid: str
    #: The accepted reading of its timestamp nearest the server's time.
    timestamp: datetime
    #: The signed parameters, names without the prefix (``from``, ``docId``…).
    parameters: Mapping[str, str]


def _refuse(code: str, message: Message) -> VxpAuthError:
    return VxpAuthError(message, code=code)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify_headers(
    headers: Mapping[str, str],
    *,
    system_of: Callable[[str], VxpSystem | None],
    at: datetime,
    replays: ReplayGuard,
) -> VxpCaller:
    """The caller of a request whose ``XroadVnpt-*`` authentication holds; raises VxpAuthError.

    ``system_of`` gives what is known of a systemid (None for an unknown one).
    """
    systemid = _header(headers, PREFIX + "systemid")
    text = _header(headers, PREFIX + "sign-header")
    mac = _header(headers, PREFIX + "hash-header")
    if not systemid or text is None or not mac:
        raise _refuse("vxp-auth-missing", msg("vxp-auth-headers-missing"))
    system = system_of(systemid)
    # An unknown systemid costs an HMAC too and is refused in the same words as a wrong HMAC:
    # neither the answer nor its time tells a caller which systemids exist.
    expected = _mac(_NO_SECRET if system is None else system.secret, text).encode()
    mac = mac.strip().lower()
    if not hmac.compare_digest(expected, mac.encode("ascii", "replace")) or system is None:
        raise _refuse("vxp-auth-failed", msg("vxp-auth-refused"))
    try:
        signed = json.loads(text)
    except ValueError as exc:
        raise _refuse("vxp-bad-sign-header", msg("vxp-sign-header-not-json")) from exc
    if not isinstance(signed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in signed.items()
    ):
        raise _refuse("vxp-bad-sign-header", msg("vxp-sign-header-not-strings"))
    for name, value in signed.items():
        if not name.startswith(PREFIX) or _header(headers, name) != value:
            raise _refuse("vxp-header-mismatch", msg("vxp-header-differs", header=name))
    if signed.get(PREFIX + "systemid") != systemid or PREFIX + "timestamp" not in signed:
        raise _refuse("vxp-unsigned", msg("vxp-systemid-timestamp-unsigned"))
    names = _header(headers, PREFIX + "sign-header-key")
    if names is not None and {n for n in names.split(";") if n} != {k[len(PREFIX) :] for k in signed}:
        raise _refuse("vxp-header-mismatch", msg("vxp-sign-header-key-differs"))
    try:
        wall = parse_timestamp(signed[PREFIX + "timestamp"])
    except ValueError as exc:
        raise _refuse("vxp-bad-timestamp", msg("vxp-timestamp-malformed")) from exc
    zones = (system.zone,) if system.zone else DEFAULT_ZONES
    # Where clocks are turned back, an hour of wall times happens twice: both are readings.
    # In UTC, so that they compare as moments (equal zones compare wall times, fold ignored).
    readings = [wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) for zone in zones for fold in (0, 1)]
    fresh = [moment for moment in readings if abs(moment - at) <= WINDOW]
    if not fresh:
        raise _refuse("vxp-stale", msg("vxp-request-stale", minutes=int(WINDOW.total_seconds() // 60)))
    # Held until no reading can be fresh any more: the latest one's window end.
    if not replays.first_time(systemid, mac, at=at, until=max(readings) + WINDOW):
        raise _refuse("vxp-replay", msg("vxp-request-replayed"))
    parameters = {k[len(PREFIX) :]: v for k, v in signed.items()}
    nearest = min(fresh, key=lambda moment: abs(moment - at))
    return VxpCaller(systemid=systemid, timestamp=nearest, parameters=parameters)
