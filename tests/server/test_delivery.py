"""What a serving node's delivery log says: a summary of outcomes at most once a minute, not a
line per document (each delivery is a debug line, shown with ``node serve --verbose``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lienthong.server._delivery import DeliveryTally

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def test_outcomes_are_told_once_a_minute_counted_by_state() -> None:
    tally = DeliveryTally(every=timedelta(minutes=1))
    assert tally.add(["delivered", "delivered"], at=START) is None
    assert tally.add(["retry"], at=START + timedelta(seconds=30)) is None
    line = tally.add(["delivered", "failed"], at=START + timedelta(seconds=61))
    assert line == "deliveries in the last 61 s: delivered=3 failed=1 retry=1"
    # Counted afresh from then on; an idle minute says nothing.
    assert tally.add([], at=START + timedelta(seconds=200)) is None
    assert (
        tally.add(["delivered"], at=START + timedelta(seconds=230))
        == "deliveries in the last 169 s: delivered=1"
    )
