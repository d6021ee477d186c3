"""Importing more codes from CSV files: new levels and classes with no code change; bad files."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from lienthong._i18n import Language, Message, language, render, set_language
from lienthong.codes import CodeRegistry, default_registry, parse_code
from lienthong.errors import RegistryDataError

MERGE_DAY = date(2025, 7, 1)
EVE = date(2025, 6, 30)

HEADER = "code,class,name,valid_from,valid_to,successor,note\n"

EXTRA = HEADER + (
    '000.00.13.H53,H,"Sở Tư pháp tỉnh Tây Ninh",,,,\n'
    '000.01.13.H53,H,"Phòng Hành chính tư pháp",,,,level 3\n'
    '000.00.04.H02,H,"Sở Nội vụ tỉnh Bắc Giang",,,,\n'
    '000.00.00.K26,K,"HĐND thành phố Hà Nội",,,,\n'
    '000.00.00.Q01,,"Đơn vị thử nghiệm",2025-01-01,,,"a class letter not yet assigned"\n'
)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    before: Language = language()
    set_language("en")
    yield
    set_language(before)


def _write(tmp_path: Path, text: str, name: str = "extra.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_level_two_and_three_units_and_new_classes_come_from_data(tmp_path: Path) -> None:
    base = default_registry()
    registry = base.with_csv(_write(tmp_path, EXTRA))
    assert len(registry) == len(base) + 5
    assert "000.00.13.H53" not in base  # the registry it was built from is unchanged
    department = registry.lookup("000.00.13.H53", at=MERGE_DAY)
    assert (department.name, department.active) == ("Sở Tư pháp tỉnh Tây Ninh", True)
    office = registry.lookup("000.01.13.H53", at=MERGE_DAY)
    assert office.name == "Phòng Hành chính tư pháp"
    assert office.record is not None
    assert office.record.note == "level 3"
    council = registry.lookup("000.00.00.K26", at=MERGE_DAY)
    assert council.name == "HĐND thành phố Hà Nội"
    meaning = council.code.class_meaning
    assert meaning is not None and render(meaning, "en") == "Provincial People's Councils"
    trial = registry.lookup("000.00.00.Q01", at=MERGE_DAY)
    assert (trial.name, trial.active, trial.code.class_meaning) == ("Đơn vị thử nghiệm", True, None)
    assert registry.lookup("000.00.00.Q01", at=date(2024, 12, 31)).active is False


def test_an_imported_unit_of_a_merged_province_closes_with_it(tmp_path: Path) -> None:
    registry = default_registry().with_csv(_write(tmp_path, EXTRA))
    before = registry.lookup("000.00.04.H02", at=EVE)
    assert (before.name, before.active) == ("Sở Nội vụ tỉnh Bắc Giang", True)
    after = registry.lookup("000.00.04.H02", at=MERGE_DAY)
    assert (after.name, after.active, after.known) == ("Sở Nội vụ tỉnh Bắc Giang", False, True)
    assert after.problem is not None and render(after.problem, "en") == (
        "Its level-1 unit 000.00.00.H02 (UBND tỉnh Bắc Giang) was closed on 2025-07-01; "
        "successor: 000.00.00.H05 (UBND tỉnh Bắc Ninh)."
    )


def test_a_text_stream_can_be_imported() -> None:
    registry = CodeRegistry().with_csv(io.StringIO(EXTRA))
    assert registry.codes() == [
        "000.00.04.H02",
        "000.00.13.H53",
        "000.01.13.H53",
        "000.00.00.K26",
        "000.00.00.Q01",
    ]


def test_a_reorganisation_file_closes_open_codes_and_adds_unknown_ones(tmp_path: Path) -> None:
    reorg = (
        "old_code,old_name,successor_code,successor_name,effective\n"
        "000.00.00.G22,Văn phòng cũ,000.00.00.G41,Văn phòng mới,2030-01-01\n"
        "000.00.00.K90,Hội đồng cũ,000.00.00.K91,Hội đồng mới,2030-01-01\n"
        "000.00.00.H41,,000.00.00.H41,UBND tỉnh Nghệ An mới,2030-01-01\n"
    )
    registry = default_registry().with_csv(_write(tmp_path, reorg, "reorg-2030.csv"))
    old = registry.lookup("000.00.00.G22", at=date(2030, 1, 1))
    assert (old.name, old.active, old.successor) == ("Văn phòng Chính phủ", False, "000.00.00.G41")
    assert registry.lookup("000.00.00.G22", at=date(2029, 12, 31)).active is True
    assert registry.lookup("000.00.00.G41", at=date(2030, 1, 1)).name == "Văn phòng mới"
    unknown = registry.lookup("000.00.00.K90", at=date(2030, 1, 1))
    assert (unknown.name, unknown.active, unknown.successor) == ("Hội đồng cũ", False, "000.00.00.K91")
    renamed = registry.lookup("000.00.00.H41", at=date(2030, 1, 1))
    assert (renamed.name, renamed.active) == ("UBND tỉnh Nghệ An mới", True)
    assert registry.lookup("000.00.00.H41", at=date(2029, 1, 1)).name == "UBND tỉnh Nghệ An"


def test_reimporting_the_shipped_files_changes_nothing() -> None:
    base = default_registry()
    registry = base
    for name in ("agency-codes-level1.csv", "reorg-2025.csv"):
        registry = registry.with_csv(Path(__file__).parents[2] / "src/lienthong/codes/data" / name)
    assert list(registry) == list(base)


def test_a_later_file_may_correct_a_record(tmp_path: Path) -> None:
    fix = HEADER + '000.00.00.G22,G,"Văn phòng Chính phủ (sửa)",,,,\n'
    registry = default_registry().with_csv(_write(tmp_path, fix))
    assert registry.lookup("000.00.00.G22", at=EVE).name == "Văn phòng Chính phủ (sửa)"
    assert len(registry.history("000.00.00.G22")) == 1


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (HEADER + "000.00.00.G22,G,Tên,2025-13-01,,,\n", "line 2, column 4 (valid_from)"),
        (HEADER + "000.00.13.H53,H,A,,,,\n99.99.99.G21,G,B,,,,\n", "line 3, column 1 (code)"),
        (HEADER + "000.00.00.G22,H,Tên,,,,\n", "line 2, column 2 (class)"),
        (HEADER + "000.00.00.G22,G,Tên,,,000.00.00,\n", "line 2, column 6 (successor)"),
        (HEADER + "000.00.00.G22,G,Tên,2025-01-01,2024-01-01,,\n", "line 2, column 5 (valid_to)"),
        (HEADER + ",G,Tên,,,,\n", "line 2, column 1 (code)"),
        (HEADER + "\n\n000.00.00.G22,G,Tên,,\n", "line 4:"),
        (HEADER + '000.00.00.G22,G,"Tên\nhai dòng",,,,\n000.00.00.G2,G,X,,,,\n', "line 4, column 1"),
        (HEADER + "000.00.00.K01,K,A,,,,\n000.00.00.K01,K,B,,,,\n", "line 3:"),
        (
            HEADER + "000.00.00.K01,K,A,,2025-01-01,,\n000.00.00.K01,K,B,2024-01-01,,,\n",
            "line 3:",
        ),
        ("code,klass,name\n000.00.00.G22,G,Tên\n", "line 1: column 2 'klass' is unknown"),
        ("name,valid_from\nTên,\n", "line 1: the header matches neither shape"),
        ("code,code\n000.00.00.G22,000.00.00.G22\n", "line 1: column 'code' is repeated"),
        ("old_code,successor_code\n000.00.00.H02,000.00.00.H05\n", "line 1: the column 'effective'"),
        (
            "old_code,successor_code,effective\n000.00.00.H02,000.00.00.H05,2025-08-01\n",
            "line 2: the code 000.00.00.H02 is already recorded as closed on 2025-07-01",
        ),
        ("old_code,successor_code,effective\n000.00.00.H02,000.00.00.H05,\n", "line 2, column 3"),
        ("", "line 1: the file is empty"),
        (HEADER + "000.00.00.H02,H,UBND tỉnh Bắc Giang,,,,\n", "line 2: this record would reopen"),
        (HEADER + '000.00.00.G22,G,"Tên,,,,\n', "line 2: invalid CSV"),
    ],
)
def test_a_bad_file_is_refused_naming_file_line_and_column(tmp_path: Path, text: str, where: str) -> None:
    path = _write(tmp_path, text, "bad.csv")
    with pytest.raises(RegistryDataError) as caught:
        default_registry().with_csv(path)
    message = caught.value.message
    assert isinstance(message, Message) and message.code == "codes-data-at"
    located = message.params["where"]
    assert isinstance(located, Message) and located.params["file"] == str(path)
    assert caught.value.render("en").startswith(f"{path}, ")
    assert where in caught.value.render("en")
    assert caught.value.render("vi").startswith(f"{path}, dòng ")


def test_an_unreadable_file_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryDataError, match="cannot read the file") as unreadable:
        default_registry().with_csv(tmp_path / "missing.csv")
    assert isinstance(unreadable.value.message, Message)
    assert unreadable.value.message.code == "codes-file-unreadable"
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "000.00.00.G22,G,Bộ,,,,\n".encode("utf-16"))
    with pytest.raises(RegistryDataError, match="not UTF-8") as undecodable:
        default_registry().with_csv(latin)
    assert isinstance(undecodable.value.message, Message)
    assert undecodable.value.message.code == "codes-file-not-utf8"


def test_messages_render_in_the_language_asked(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "000.00.00.G22,G,Tên,01/07/2025,,,\n")
    with pytest.raises(RegistryDataError) as caught:
        default_registry().with_csv(path)
    assert caught.value.render("vi") == (
        f"{path}, dòng 2, cột 4 (valid_from): ngày '01/07/2025' không hợp lệ, cần dạng YYYY-MM-DD."
    )
    assert caught.value.render("en") == (
        f"{path}, line 2, column 4 (valid_from): '01/07/2025' is not a date of the form YYYY-MM-DD."
    )
    assert caught.value.message == Message.from_json(
        {
            "code": "codes-data-at",
            "params": {
                "where": {
                    "code": "codes-where-column",
                    "params": {"file": str(path), "line": 2, "column": "4 (valid_from)"},
                },
                "problem": {"code": "codes-cell-date-invalid", "params": {"value": "01/07/2025"}},
            },
        }
    )


def test_tens_of_thousands_of_rows(tmp_path: Path) -> None:
    lines = [HEADER.strip()]
    for province in range(1, 64):
        for department in range(1, 41):
            for office in range(1, 13):
                lines.append(f"000.{office:02d}.{department:02d}.H{province:02d},H,Phòng {office},,,,")
    path = _write(tmp_path, "\n".join(lines) + "\n", "big.csv")
    started = time.perf_counter()
    registry = default_registry().with_csv(path)
    codes = registry.codes()
    statuses = [registry.lookup(code, at=MERGE_DAY) for code in codes]
    elapsed = time.perf_counter() - started
    assert len(lines) - 1 == 30240
    assert len(registry) == len(default_registry()) + 30240
    closed = [s for s in statuses if s.active is False and s.closed_by_ancestor]
    assert len(closed) == 29 * 40 * 12  # every office of every merged province
    assert registry.lookup("000.12.40.H63", at=MERGE_DAY).problem is not None
    assert parse_code("000.00.00.H38").contains(parse_code("000.12.40.H38"))
    # Generous for a shared machine; a quadratic load or lookup would take minutes.
    assert elapsed < 20
