"""``ServiceMetrics.watch_node``: the node's outbox and configuration gauges read at each scrape,
and a source that fails leaves them out without failing the scrape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families

from lienthong.statistics import NodeGauges, ServiceMetrics

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _samples(metrics: ServiceMetrics) -> dict[tuple[str, str], float]:
    return {
        (sample.name, sample.labels.get("state", "")): sample.value
        for family in text_string_to_metric_families(metrics.exposition().decode("utf-8"))
        for sample in family.samples
        if sample.name.startswith("lienthong_node_")
    }


def test_the_gauges_say_what_the_source_reads_at_each_scrape() -> None:
    reads = iter(range(1, 100))
    metrics = ServiceMetrics("node")

    def source() -> NodeGauges:
        queued = next(reads)
        return NodeGauges(
            outbox={"queued": queued, "delivered": 7},
            oldest_pending_seconds=42.5,
            configuration_issued=NOW - timedelta(hours=2),
            configuration_expires=NOW + timedelta(hours=22),
            at=NOW,
        )

    metrics.watch_node(source)
    first = _samples(metrics)
    assert first == {
        ("lienthong_node_outbox_entries", "queued"): 1,
        ("lienthong_node_outbox_entries", "delivered"): 7,
        ("lienthong_node_outbox_oldest_pending_seconds", ""): 42.5,
        ("lienthong_node_configuration_age_seconds", ""): 7200,
        ("lienthong_node_configuration_expiry_seconds", ""): 22 * 3600,
    }
    assert _samples(metrics)[("lienthong_node_outbox_entries", "queued")] == 2


def test_nothing_pending_is_zero_and_no_configuration_no_configuration_gauges() -> None:
    metrics = ServiceMetrics("node")
    metrics.watch_node(
        lambda: NodeGauges(
            outbox={"queued": 0},
            oldest_pending_seconds=None,
            configuration_issued=None,
            configuration_expires=None,
            at=NOW,
        )
    )
    assert _samples(metrics) == {
        ("lienthong_node_outbox_entries", "queued"): 0,
        ("lienthong_node_outbox_oldest_pending_seconds", ""): 0,
    }


def test_a_failing_source_leaves_the_gauges_out_and_the_scrape_answers() -> None:
    metrics = ServiceMetrics("node")

    def broken() -> NodeGauges:
        raise OSError("database away")

    metrics.watch_node(broken)
    assert _samples(metrics) == {}
    assert b"lienthong_http_requests" in metrics.exposition()
