"""Delivery latency as a fixed histogram, so that reports from many nodes and days add up.

Percentiles cannot be combined; histograms can. Every report carries the counts per bucket of
``BOUNDS`` (seconds, upper bounds inclusive, the last bucket open), and the portal's median
over any period is read from the summed buckets.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

#: Upper bounds of the buckets, in seconds; one more bucket holds everything above the last.
BOUNDS: Final[tuple[int, ...]] = (1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400)


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of a sorted, non-empty sequence."""
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class LatencySummary:
    """Delivery latencies (sending to the recipient node's receipt) of one agency and day."""

    #: Counts per bucket of ``BOUNDS``, plus the open bucket: ``len(BOUNDS) + 1`` numbers.
    buckets: tuple[int, ...] = (0,) * (len(BOUNDS) + 1)
    #: Exact percentiles of that day's latencies, seconds; None when there were none.
    p50: float | None = None
    p90: float | None = None
    p99: float | None = None
    maximum: float | None = None

    @property
    def count(self) -> int:
        return sum(self.buckets)

    @classmethod
    def of(cls, seconds: Iterable[float]) -> LatencySummary:
        ordered = sorted(max(0.0, value) for value in seconds)
        buckets = [0] * (len(BOUNDS) + 1)
        for value in ordered:
            buckets[bisect.bisect_left(BOUNDS, value)] += 1
        if not ordered:
            return cls(tuple(buckets))
        return cls(
            tuple(buckets),
            p50=_percentile(ordered, 0.5),
            p90=_percentile(ordered, 0.9),
            p99=_percentile(ordered, 0.99),
            maximum=ordered[-1],
        )


def add_buckets(many: Iterable[Sequence[int]]) -> tuple[int, ...]:
    """The bucket-wise sum of several histograms."""
    total = [0] * (len(BOUNDS) + 1)
    for buckets in many:
        for index, count in enumerate(buckets[: len(total)]):
            total[index] += count
    return tuple(total)


def median_seconds(buckets: Sequence[int]) -> float | None:
    """The median read from a histogram: the upper bound of the bucket holding it, interpolated
    linearly inside the bucket; None for an empty histogram. Above the last bound: that bound."""
    count = sum(buckets)
    if count == 0:
        return None
    half = count / 2
    seen = 0
    for index, in_bucket in enumerate(buckets):
        if in_bucket and seen + in_bucket >= half:
            if index >= len(BOUNDS):
                return float(BOUNDS[-1])
            low = 0.0 if index == 0 else float(BOUNDS[index - 1])
            return low + (BOUNDS[index] - low) * (half - seen) / in_bucket
        seen += in_bucket
    return float(BOUNDS[-1])
