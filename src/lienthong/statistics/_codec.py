"""The one encoding of a report: canonical JSON (sorted keys, no spaces, UTF-8, NFC).

These exact bytes are what the node signs and the directory verifies and keeps; they are never
re-encoded before verifying. ``decode`` checks every field and raises ``ReportMalformed``
(``ReportImplausible`` for a counter no day can reach; the day itself needs a clock: ``check_day``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Final

from lienthong._i18n import Message, msg
from lienthong.codes import parse_code
from lienthong.errors import CodeError
from lienthong.statistics._errors import ReportMalformed
from lienthong.statistics._latency import BOUNDS, LatencySummary
from lienthong.statistics._plausible import check_count
from lienthong.statistics._report import StatisticsReport, StuckDocument

FORMAT: Final = "lienthong-statistics/1"
#: Largest report accepted, bytes: a day of one agency is a few kilobytes.
MAX_REPORT: Final = 512 * 1024
#: Most stuck documents listed in one report.
MAX_STUCK: Final = 200
#: Longest reporting interval a report may state, seconds (a day).
_MAX_INTERVAL: Final = 86_400
_STATUS = re.compile(r"[0-9]{2}")
_NODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _latency(latency: LatencySummary) -> dict[str, Any]:
    return {
        "buckets": list(latency.buckets),
        "p50": latency.p50,
        "p90": latency.p90,
        "p99": latency.p99,
        "max": latency.maximum,
    }


def encode(report: StatisticsReport) -> bytes:
    """The canonical bytes of ``report``."""
    document = {
        "format": FORMAT,
        "node": report.node,
        "agency": report.agency,
        "day": report.day.isoformat(),
        "sequence": report.sequence,
        "generated_at": _instant(report.generated_at),
        "sent": report.sent,
        "sent_to": dict(report.sent_to),
        "received": report.received,
        "signed_pdf": report.signed_pdf,
        "statuses": dict(report.statuses),
        "refusals": report.refusals,
        "failures": report.failures,
        "latency": _latency(report.latency),
        "last_activity": _instant(report.last_activity),
        "config_version": report.config_version,
        "certificate_expiry": _instant(report.certificate_expiry),
        "stuck": [
            {"document_id": s.document_id, "recipient": s.recipient, "sent_at": _instant(s.sent_at)}
            for s in report.stuck
        ],
    }
    if report.interval is not None:  # absent, not null: an older node's bytes stay as they were
        document["interval"] = report.interval
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return unicodedata.normalize("NFC", text).encode("utf-8")


def _bad(what: str | Message) -> ReportMalformed:
    """``what``: the field at fault as the report names it, or why the whole is refused."""
    return ReportMalformed(msg("statistics-report-invalid", what=what))


def _count(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _bad(what)
    return check_count(value, what)


def _time(value: object, what: str, *, optional: bool = False) -> datetime | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise _bad(what)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _bad(what) from None
    if parsed.tzinfo is None:
        raise _bad(what)
    return parsed.astimezone(UTC)


def _code(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _bad(what)
    try:
        return parse_code(value, lenient=True).text
    except CodeError:
        raise _bad(what) from None


def _counts(value: object, what: str, key: Any) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping):
        raise _bad(what)
    return tuple(sorted((key(k, what), _count(v, what)) for k, v in value.items()))


def _status(value: object, what: str) -> str:
    if not isinstance(value, str) or not _STATUS.fullmatch(value):
        raise _bad(what)
    return value


def _decode_latency(value: object) -> LatencySummary:
    if not isinstance(value, Mapping):
        raise _bad("latency")
    buckets = value.get("buckets")
    if not isinstance(buckets, list) or len(buckets) != len(BOUNDS) + 1:
        raise _bad("latency.buckets")
    seconds = []
    for name in ("p50", "p90", "p99", "max"):
        item = value.get(name)
        if item is not None and (not isinstance(item, int | float) or isinstance(item, bool) or item < 0):
            raise _bad(f"latency.{name}")
        seconds.append(None if item is None else float(item))
    return LatencySummary(tuple(_count(b, "latency.buckets") for b in buckets), *seconds)


def decode(data: bytes) -> StatisticsReport:
    """The report in ``data``; raises ``ReportMalformed`` unless every field is right."""
    if len(data) > MAX_REPORT:
        raise _bad(msg("statistics-too-large"))
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _bad("JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _bad("format")
    node = document.get("node")
    if not isinstance(node, str) or not _NODE.fullmatch(node):
        raise _bad("node")
    try:
        day = date.fromisoformat(str(document.get("day")))
    except ValueError:
        raise _bad("day") from None
    version = document.get("config_version")
    stuck = document.get("stuck", [])
    if not isinstance(stuck, list) or len(stuck) > MAX_STUCK:
        raise _bad("stuck")
    generated = _time(document.get("generated_at"), "generated_at")
    assert generated is not None
    return StatisticsReport(
        node=node,
        agency=_code(document.get("agency"), "agency"),
        day=day,
        sequence=_count(document.get("sequence"), "sequence"),
        generated_at=generated,
        sent=_count(document.get("sent"), "sent"),
        sent_to=_counts(document.get("sent_to", {}), "sent_to", _code),
        received=_count(document.get("received"), "received"),
        signed_pdf=_count(document.get("signed_pdf", 0), "signed_pdf"),
        statuses=_counts(document.get("statuses", {}), "statuses", _status),
        refusals=_count(document.get("refusals", 0), "refusals"),
        failures=_count(document.get("failures", 0), "failures"),
        latency=_decode_latency(document.get("latency")),
        last_activity=_time(document.get("last_activity"), "last_activity", optional=True),
        config_version=None if version is None else _count(version, "config_version"),
        certificate_expiry=_time(document.get("certificate_expiry"), "certificate_expiry", optional=True),
        stuck=tuple(_stuck(item) for item in stuck),
        interval=_interval(document.get("interval")),
    )


def _interval(value: object) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= _MAX_INTERVAL:
        raise _bad("interval")
    return float(value)


def _stuck(item: object) -> StuckDocument:
    if not isinstance(item, Mapping) or not isinstance(item.get("document_id"), str):
        raise _bad("stuck")
    sent_at = _time(item.get("sent_at"), "stuck.sent_at")
    assert sent_at is not None
    return StuckDocument(item["document_id"][:200], _code(item.get("recipient"), "stuck.recipient"), sent_at)
