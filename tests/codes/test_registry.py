"""The registry shipped with lienthong: names, validity, the 2025 reorganisation, renames."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from importlib import resources

import pytest

from lienthong._i18n import Language, Message, language, render, set_language
from lienthong.codes import AgencyRecord, CodeRegistry, default_registry, parse_code
from lienthong.errors import CodeError, RegistryDataError

MERGE_DAY = date(2025, 7, 1)
EVE = date(2025, 6, 30)
MINISTRIES_DAY = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    before: Language = language()
    set_language("vi")
    yield
    set_language(before)


def _said(problem: Message | None, code: str, language: Language = "vi") -> str:
    """``problem``'s text in ``language``, once it is known to be the message ``code``; its data
    survives a JSON round trip (what is stored or answered to a program)."""
    assert isinstance(problem, Message) and problem.code == code, problem
    assert Message.from_json(problem.to_json()) == problem
    return render(problem, language)


def _reorg_rows() -> list[dict[str, str]]:
    text = (resources.files("lienthong.codes") / "data" / "reorg-2025.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_default_registry_is_loaded_once() -> None:
    assert default_registry() is default_registry()
    assert "000.00.00.G22" in default_registry()
    assert parse_code("000.00.00.H41") in default_registry()
    assert "000.00.00.G99" not in default_registry()


def test_a_known_open_code() -> None:
    status = default_registry().lookup("000.00.00.G22", at=MERGE_DAY)
    assert status.known
    assert status.name == "Văn phòng Chính phủ"
    assert status.active is True
    assert status.closed_on is None
    assert status.successor is None
    assert status.final_successor is None
    assert status.problem is None


def test_the_29_provinces_closed_on_1_july_2025() -> None:
    rows = _reorg_rows()
    assert len(rows) == 29
    registry = default_registry()
    for row in rows:
        old, successor = row["old_code"], row["successor_code"]
        before = registry.lookup(old, at=EVE)
        assert before.active is True, old
        assert before.name is not None
        assert row["old_name"] in before.name
        after = registry.lookup(old, at=MERGE_DAY)
        assert after.active is False, old
        assert after.name == before.name
        assert after.closed_on == MERGE_DAY
        assert after.successor == successor
        assert after.final_successor == successor
        heir = registry.lookup(successor, at=MERGE_DAY)
        assert heir.active is True
        assert heir.name is not None
        assert row["successor_name"] in heir.name
        assert _said(after.problem, "codes-closed") == (
            f"Mã đã đóng từ 01/07/2025; đơn vị kế thừa: {successor} ({heir.name})."
        )


def test_bac_giang_before_and_after_the_merge() -> None:
    registry = default_registry()
    before = registry.lookup("000.00.00.H02", at=EVE)
    assert (before.active, before.name, before.successor) == (True, "UBND tỉnh Bắc Giang", None)
    after = registry.lookup("000.00.00.H02", at=date(2026, 1, 1))
    assert after.active is False
    assert after.successor == "000.00.00.H05"
    assert _said(after.problem, "codes-closed") == (
        "Mã đã đóng từ 01/07/2025; đơn vị kế thừa: 000.00.00.H05 (UBND tỉnh Bắc Ninh)."
    )
    assert _said(registry.lookup("000.00.00.H02", at=MERGE_DAY).problem, "codes-closed", "en") == (
        "The code was closed on 2025-07-01; successor: 000.00.00.H05 (UBND tỉnh Bắc Ninh)."
    )


def test_34_provincial_committees_remain() -> None:
    registry = default_registry()
    provinces = [code for code in registry.codes() if parse_code(code).class_letter == "H"]
    assert len(provinces) == 63
    assert sum(bool(registry.lookup(code, at=EVE).active) for code in provinces) == 63
    assert sum(bool(registry.lookup(code, at=MERGE_DAY).active) for code in provinces) == 34


def test_a_unit_below_a_closed_province_is_closed_with_it() -> None:
    registry = default_registry()
    before = registry.lookup("000.00.04.H02", at=EVE)
    assert (before.known, before.active, before.problem) == (False, None, None)
    after = registry.lookup("000.00.04.H02", at=MERGE_DAY)
    assert after.known is False
    assert after.active is False
    assert after.closed_on == MERGE_DAY
    assert after.closed_by_ancestor
    assert after.successor is None  # the department's own successor is not known
    assert _said(after.problem, "codes-unit-closed") == (
        "Đơn vị cấp 1 000.00.00.H02 (UBND tỉnh Bắc Giang) của mã này đã đóng từ 01/07/2025; "
        "đơn vị kế thừa: 000.00.00.H05 (UBND tỉnh Bắc Ninh)."
    )


def test_an_unknown_code_under_an_open_unit_is_neither_active_nor_closed() -> None:
    status = default_registry().lookup("000.01.04.H05", at=MERGE_DAY)
    assert (status.known, status.active, status.name, status.problem) == (False, None, None, None)
    unknown = default_registry().lookup("000.00.00.Q01", at=MERGE_DAY)
    assert unknown.active is None


def test_the_ten_ministry_codes_closed_on_1_march_2025() -> None:
    registry = default_registry()
    closed = [r for r in registry if r.valid_to == MINISTRIES_DAY]
    assert len(closed) == 10
    assert {r.code[-3] for r in closed} == {"G"}
    for record in closed:
        assert record.name is None  # not in our sources: never invented
        before = registry.lookup(record.code, at=date(2025, 2, 28))
        assert (before.known, before.active, before.name) == (True, True, None)
        after = registry.lookup(record.code, at=MINISTRIES_DAY)
        assert (after.active, after.successor, after.final_successor) == (False, None, None)
        assert (
            _said(after.problem, "codes-closed")
            == "Mã đã đóng từ 01/03/2025; danh bạ không ghi đơn vị kế thừa."
        )


def test_hue_is_renamed_not_closed() -> None:
    registry = default_registry()
    assert len(registry.history("000.00.00.H57")) == 2
    before = registry.lookup("000.00.00.H57", at=date(2024, 12, 31))
    assert (before.active, before.name) == (True, "UBND tỉnh Thừa Thiên Huế")
    for day in (date(2025, 1, 1), MERGE_DAY, date(2030, 1, 1)):
        after = registry.lookup("000.00.00.H57", at=day)
        assert after.active is True
        assert after.name == "UBND thành phố Huế"
        assert (after.closed_on, after.successor, after.final_successor) == (None, None, None)
        assert after.problem is None


def test_lookup_accepts_a_code_or_a_leniently_read_text() -> None:
    registry = default_registry()
    assert registry.lookup(" 0.0.0.h02", at=EVE).name == "UBND tỉnh Bắc Giang"
    assert registry.lookup(parse_code("000.00.00.H02"), at=EVE).name == "UBND tỉnh Bắc Giang"
    with pytest.raises(CodeError):
        registry.lookup("hello", at=EVE)


def _record(
    code: str,
    *,
    name: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    successor: str | None = None,
) -> AgencyRecord:
    return AgencyRecord(code, code[-3], name, valid_from, valid_to, successor)


def test_successor_chains_are_followed_and_cycles_stopped() -> None:
    day = date(2024, 1, 1)
    registry = CodeRegistry(
        [
            _record("000.00.00.K01", name="A", valid_to=day, successor="000.00.00.K02"),
            _record("000.00.00.K02", name="B", valid_to=day, successor="000.00.00.K03"),
            _record("000.00.00.K03", name="C"),
            _record("000.00.00.K11", name="X", valid_to=day, successor="000.00.00.K12"),
            _record("000.00.00.K12", name="Y", valid_to=day, successor="000.00.00.K11"),
            _record("000.00.00.K21", name="P", valid_to=day, successor="000.00.00.K22"),
        ]
    )
    chain = registry.lookup("000.00.00.K01", at=day)
    assert (chain.successor, chain.final_successor) == ("000.00.00.K02", "000.00.00.K03")
    assert _said(chain.problem, "codes-closed") == (
        "Mã đã đóng từ 01/01/2024; đơn vị kế thừa: 000.00.00.K02 (B), nay là 000.00.00.K03 (C)."
    )
    cycle = registry.lookup("000.00.00.K11", at=day)
    assert (cycle.successor, cycle.final_successor) == ("000.00.00.K12", "000.00.00.K11")
    unknown = registry.lookup("000.00.00.K21", at=day)
    assert unknown.final_successor == "000.00.00.K22"
    assert (
        _said(unknown.problem, "codes-closed") == "Mã đã đóng từ 01/01/2024; đơn vị kế thừa: 000.00.00.K22."
    )
    before = registry.lookup("000.00.00.K01", at=date(2023, 12, 31))
    assert (before.active, before.successor, before.final_successor) == (True, None, None)


def test_a_code_not_yet_in_force() -> None:
    registry = CodeRegistry([_record("000.00.00.K05", name="Mới", valid_from=date(2026, 1, 1))])
    early = registry.lookup("000.00.00.K05", at=date(2025, 12, 31))
    assert (early.known, early.active) == (True, False)
    assert _said(early.problem, "codes-not-yet-in-force") == "Mã chỉ có hiệu lực từ 01/01/2026."
    assert (
        _said(early.problem, "codes-not-yet-in-force", "en") == "The code is in force only from 2026-01-01."
    )
    assert registry.lookup("000.00.00.K05", at=date(2026, 1, 1)).active is True


@pytest.mark.parametrize(
    "records",
    [
        [_record("000.00.00.K01", valid_to=date(2025, 1, 1)), _record("000.00.00.K01")],
        [_record("000.00.00.K01"), _record("000.00.00.K01")],
        [AgencyRecord("000.00.00.K01", "H")],
        [AgencyRecord("0.0.0.K01", "K")],
        [_record("000.00.00.K01", successor="nothing")],
        [_record("000.00.00.K01", valid_from=date(2025, 1, 1), valid_to=date(2025, 1, 1))],
    ],
)
def test_contradictory_records_are_refused(records: list[AgencyRecord]) -> None:
    with pytest.raises(RegistryDataError):
        CodeRegistry(records)


def test_record_periods() -> None:
    record = _record("000.00.00.K01", valid_from=date(2025, 1, 1), valid_to=date(2025, 7, 1))
    assert not record.in_force(date(2024, 12, 31))
    assert record.in_force(date(2025, 1, 1))
    assert record.in_force(date(2025, 6, 30))
    assert not record.in_force(date(2025, 7, 1))  # closed ON valid_to
    assert record.ends_by(date(2025, 7, 1))
    assert not record.ends_by(date(2025, 6, 30))
