"""Statistics reports: what each node tells the directory, per agency and day, signed.

The model, its canonical encoding and signature, the pure builder a node calls, the node's
outbox with backoff, and the client that sends; plus the shared observability helpers
(Prometheus metrics, JSON logs) every service mounts.

>>> report = build_report(node="hn", agency="000.00.00.H26", day=day, sequence=1,
...                       generated_at=now, outgoing=rows)            # doctest: +SKIP
>>> outbox = ReportOutbox().put(sign_report(report, key))              # doctest: +SKIP
>>> outbox = StatisticsClient(url, tls=context).flush(outbox, at=now)  # doctest: +SKIP
"""

from lienthong.statistics._builder import STUCK_AFTER, Incoming, Outgoing, build_report
from lienthong.statistics._client import PATH, StatisticsClient
from lienthong.statistics._codec import FORMAT, decode, encode
from lienthong.statistics._errors import (
    ReportImplausible,
    ReportMalformed,
    ReportRejected,
    ReportSignatureInvalid,
    StatisticsError,
    StatisticsUnreachable,
)
from lienthong.statistics._expiry import CertificateExpiry, CertificateSource, expiry_days
from lienthong.statistics._latency import BOUNDS, LatencySummary, add_buckets, median_seconds
from lienthong.statistics._logging import JsonFormatter, configure_json_logging
from lienthong.statistics._metrics import METRICS_PATH, ServiceMetrics
from lienthong.statistics._node_gauges import NodeCollector, NodeGauges, NodeGaugeSource
from lienthong.statistics._outbox import PendingReport, ReportOutbox, retry_delay
from lienthong.statistics._plausible import CLOCK_SKEW, FIRST_DAY, MAX_COUNT, check_day
from lienthong.statistics._report import StatisticsReport, StuckDocument
from lienthong.statistics._signing import (
    CONTENT_TYPE,
    NodeKey,
    SignedReport,
    load_node_key,
    sign_report,
    verify_report,
)

__all__ = [
    "BOUNDS",
    "CLOCK_SKEW",
    "CONTENT_TYPE",
    "FIRST_DAY",
    "FORMAT",
    "MAX_COUNT",
    "METRICS_PATH",
    "PATH",
    "STUCK_AFTER",
    "CertificateExpiry",
    "CertificateSource",
    "Incoming",
    "JsonFormatter",
    "LatencySummary",
    "NodeCollector",
    "NodeGaugeSource",
    "NodeGauges",
    "NodeKey",
    "Outgoing",
    "PendingReport",
    "ReportImplausible",
    "ReportMalformed",
    "ReportOutbox",
    "ReportRejected",
    "ReportSignatureInvalid",
    "ServiceMetrics",
    "SignedReport",
    "StatisticsClient",
    "StatisticsError",
    "StatisticsReport",
    "StatisticsUnreachable",
    "StuckDocument",
    "add_buckets",
    "build_report",
    "check_day",
    "configure_json_logging",
    "decode",
    "encode",
    "expiry_days",
    "load_node_key",
    "median_seconds",
    "retry_delay",
    "sign_report",
    "verify_report",
]
