"""What a serving node's ``/metrics`` reads of its outbox and configuration at each scrape
(``lienthong.statistics.NodeGauges``), and the outcome each delivery attempt is counted under."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from prometheus_client import Counter

from lienthong._clock import Clock, utc_now
from lienthong.directory import ConfigurationMissing
from lienthong.node import NodeRuntime
from lienthong.statistics import NodeGauges, NodeGaugeSource, ServiceMetrics
from lienthong.store import DeliveryState, outbox_summary

#: Delivery state an attempt left its entry in → the outcome it is counted under.
OUTCOMES = {
    DeliveryState.DELIVERED.value: "delivered",
    DeliveryState.REJECTED.value: "rejected",
    DeliveryState.FAILED.value: "failed",
    DeliveryState.QUEUED.value: "retry",
}


def node_gauges(runtime: NodeRuntime, *, clock: Clock = utc_now) -> NodeGaugeSource:
    def read() -> NodeGauges:
        now = clock()
        summary = outbox_summary(runtime.database)
        try:
            content = runtime.source.configuration().content
        except ConfigurationMissing:
            issued = expires = None
        else:
            issued, expires = content.issued_at, content.expires_at
        oldest = summary.oldest_pending
        return NodeGauges(
            outbox={state.value: count for state, count in summary.counts.items()},
            oldest_pending_seconds=None if oldest is None else max((now - oldest).total_seconds(), 0.0),
            configuration_issued=issued,
            configuration_expires=expires,
            at=now,
        )

    return read


def delivery_counter(metrics: ServiceMetrics) -> Callable[[Iterable[str]], None]:
    """``lienthong_node_deliveries_total{outcome}``, every outcome present from the start (a
    rule's ``increase`` needs the series before its first attempt); what counts one batch."""
    counter: Counter = metrics.counter(
        "node_deliveries", "Delivery attempts by outcome (retry: to be tried again).", ("service", "outcome")
    )
    for outcome in OUTCOMES.values():
        counter.labels(metrics.service, outcome)

    def count(states: Iterable[str]) -> None:
        for state in states:
            outcome = OUTCOMES.get(state)
            if outcome is not None:
                counter.labels(metrics.service, outcome).inc()

    return count
