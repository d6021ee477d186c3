"""The incoming register on both databases: numbers run from 1 per agency per year, a number
or a document is entered once, and an entry reads back as written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lienthong.store import ArrivalEntry, ArrivalRegister, Database, NumberTaken

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
G22, H26 = "000.00.00.G22", "000.00.00.H26"


def _entry(agency: str, message_id: str, number: int, on: date = date(2026, 12, 7)) -> ArrivalEntry:
    return ArrivalEntry(agency, message_id.ljust(64, "0"), number, on, actor="lan", recorded_at=AT)


def test_numbers_run_per_agency_and_per_year(database: Database) -> None:
    with ArrivalRegister.begin(database) as register:
        assert register.next_number(G22, 2026) == 1
        register.record(_entry(G22, "a", 1))
        register.record(_entry(G22, "b", 7))
        register.record(_entry(G22, "c", 1, date(2025, 12, 31)))
    with ArrivalRegister.begin(database) as register:
        assert register.next_number(G22, 2026) == 8  # after the highest, gaps stay gaps
        assert register.next_number(G22, 2025) == 2
        assert register.next_number(H26, 2026) == 1  # another agency's register
        assert register.taken(G22, 2026, 7) and not register.taken(G22, 2026, 2)
        found = register.entry(G22, "b".ljust(64, "0"))
    assert found == _entry(G22, "b", 7)
    assert found.year == 2026


def test_a_number_or_a_document_is_entered_once(database: Database) -> None:
    with ArrivalRegister.begin(database) as register:
        register.record(_entry(G22, "a", 1))
    with pytest.raises(NumberTaken), ArrivalRegister.begin(database) as register:
        register.record(_entry(G22, "b", 1))  # the number is used
    with pytest.raises(NumberTaken), ArrivalRegister.begin(database) as register:
        register.record(_entry(G22, "a", 2))  # the document is registered
    with ArrivalRegister.begin(database) as register:
        register.record(_entry(H26, "a", 1))  # the same number in another agency's register
        assert register.next_number(G22, 2026) == 2
        assert register.entry(G22, "b".ljust(64, "0")) is None
