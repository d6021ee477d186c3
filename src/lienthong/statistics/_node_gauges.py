"""A node's state as Prometheus gauges, read at every scrape from what the serving layer passes.

- ``lienthong_node_outbox_entries{state}``: outbox entries by delivery state (every state, 0
  when none), so ``queued`` growing is an outbox filling up.
- ``lienthong_node_outbox_oldest_pending_seconds``: age of the oldest entry still to be
  delivered (queued or sending); 0 when none.
- ``lienthong_node_configuration_age_seconds``: since the configuration in use was issued. The
  directory signs it again once half its validity has passed, so a node that refreshes holds one
  younger than it has left to live; older means refreshes fail.
- ``lienthong_node_configuration_expiry_seconds``: until it expires (negative: expired).

The outbox is one grouped query per scrape, shared by every process of a node (each reports the
same figures: aggregate with ``max``). A source that fails is logged and yields nothing, never a
failed scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

_log = logging.getLogger("lienthong.metrics")


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeGauges:
    """What one scrape reads of a node."""

    #: Delivery state → outbox entries in it.
    outbox: Mapping[str, int]
    #: Seconds the oldest entry still to be delivered has waited; None: none.
    oldest_pending_seconds: float | None
    #: When the configuration in use was issued and ends; None: none held.
    configuration_issued: datetime | None
    configuration_expires: datetime | None
    #: The moment of the reading.
    at: datetime


NodeGaugeSource = Callable[[], NodeGauges]


class NodeCollector(Collector):
    """A Prometheus collector over ``source``, asked at each scrape."""

    def __init__(self, service: str, source: NodeGaugeSource) -> None:
        self.service = service
        self.source = source

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # else the registry collects once to learn the names: a query at start

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            read = self.source()
        except Exception:  # the database away, say: the scrape still answers, the log says why
            _log.exception("node gauges: the node could not be read")
            return
        outbox = GaugeMetricFamily(
            "lienthong_node_outbox_entries", "Outbox entries by delivery state.", labels=["service", "state"]
        )
        for state, count in sorted(read.outbox.items()):
            outbox.add_metric([self.service, state], count)
        yield outbox
        yield self._one(
            "lienthong_node_outbox_oldest_pending_seconds",
            "Age of the oldest outbox entry still to be delivered (0: none).",
            read.oldest_pending_seconds or 0.0,
        )
        if read.configuration_issued is not None and read.configuration_expires is not None:
            yield self._one(
                "lienthong_node_configuration_age_seconds",
                "Seconds since the network configuration in use was issued (the directory signs it"
                " again at half its validity).",
                (read.at - read.configuration_issued).total_seconds(),
            )
            yield self._one(
                "lienthong_node_configuration_expiry_seconds",
                "Seconds until the network configuration in use expires (negative: expired).",
                (read.configuration_expires - read.at).total_seconds(),
            )

    def _one(self, name: str, documentation: str, value: float) -> GaugeMetricFamily:
        gauge = GaugeMetricFamily(name, documentation, labels=["service"])
        gauge.add_metric([self.service], value)
        return gauge
