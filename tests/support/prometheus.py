"""The metrics ``deploy/prometheus/lienthong-node.rules.yml`` uses, and what a ``/metrics`` page
serves: the tests compare the two so the rules and the code cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from prometheus_client.parser import text_string_to_metric_families

RULES: Final = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "lienthong-node.rules.yml"
#: Series Prometheus makes itself, not the node.
PROMETHEUS_OWN: Final = frozenset({"up"})


def rule_metrics() -> set[str]:
    """Every metric the rules file names (a name followed by a selector, a range, a bracket or a
    comparison), Prometheus's own ``up`` included."""
    text = RULES.read_text(encoding="utf-8")
    return set(re.findall(r"\b(lienthong_[a-z0-9_]+|up)(?=\s*[{\[)<>=!])", text))


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """(sample name, labels) → value of a ``/metrics`` page."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def served(exposition: str) -> set[str]:
    """The sample names a ``/metrics`` page serves (``_total`` and all)."""
    return {name for name, _labels in samples(exposition)}
