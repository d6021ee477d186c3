"""``lienthong_certificate_expiry_seconds``: seconds until each certificate a service relies on
ends (Prometheus's base unit: ``promtool check metrics`` refuses days), read at every scrape (a
renewed file or a newer configuration shows at once).

>>> metrics.watch_certificates(lambda: [("tls", certificate)])   # doctest: +SKIP

An alert rule such as ``lienthong_certificate_expiry_seconds < 30 * 86400`` then names the certificate by
role, subject and serial; a source that fails is logged and yields nothing, never a failed scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from cryptography import x509
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lienthong._clock import Clock, utc_now

_log = logging.getLogger("lienthong.metrics")
_DAY_SECONDS = 86400.0

#: What the source hands: (role, certificate); roles such as ``tls``, ``signer``, ``anchor``.
CertificateSource = Callable[[], Iterable[tuple[str, x509.Certificate]]]


def _subject(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def expiry_days(certificate: x509.Certificate, now: datetime) -> float:
    """Days (with fractions: a scrape every minute sees it move) until ``certificate`` ends."""
    return (certificate.not_valid_after_utc - now) / timedelta(days=1)


class CertificateExpiry(Collector):
    """A Prometheus collector over ``source``, asked at each scrape."""

    def __init__(self, service: str, source: CertificateSource, *, clock: Clock = utc_now) -> None:
        self.service = service
        self.source = source
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "lienthong_certificate_expiry_seconds",
            "Seconds until a certificate the service relies on ends (negative: ended).",
            labels=["service", "role", "subject", "serial"],
        )
        now = self.clock()
        seen: set[tuple[str, str]] = set()
        try:
            held = list(self.source())
        except Exception:  # a scrape must not fail for one unreadable file: say which in the log
            _log.exception("certificate expiry: the certificates could not be read")
            held = []
        for role, certificate in held:
            serial = f"{certificate.serial_number:x}"
            if (role, serial) in seen:
                continue
            seen.add((role, serial))
            gauge.add_metric(
                [self.service, role, _subject(certificate), serial],
                expiry_days(certificate, now) * _DAY_SECONDS,
            )
        yield gauge

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())  # collected at scrape time only: the registry must not call the source early
