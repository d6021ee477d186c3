"""`lienthong codes show` and `lienthong codes list`: exit codes, JSON keys, both languages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lienthong._i18n import Language, language, set_language
from lienthong.cli import app

REQUIRED_KEYS = {
    "code", "valid", "level", "parent", "level1", "class", "name", "active", "successor", "problem",
}  # fmt: skip
STRUCTURAL_KEYS = ("level", "parent", "level1", "class", "name", "active", "successor")
LIENTHONG = Path(sys.executable).with_name("lienthong")


@pytest.fixture(autouse=True)
def keep_language() -> Iterator[None]:
    # Every command sets the process language from --lang; later tests must not inherit it.
    before: Language = language()
    yield
    set_language(before)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _show_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = _run("codes", "show", "--json", *args)
    data = json.loads(out)
    assert isinstance(data, dict)
    assert data.keys() >= REQUIRED_KEYS
    return code, data


def test_a_valid_code() -> None:
    code, data = _show_json("000.00.04.G14", "--at", "2025-07-01")
    assert code == 0
    assert data["code"] == "000.00.04.G14"
    assert data["valid"] is True
    assert (data["level"], data["parent"], data["level1"]) == (2, "000.00.00.G14", "000.00.00.G14")
    assert data["class"] == "G"
    assert data["class_meaning"] == "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"
    assert (data["name"], data["active"], data["successor"], data["problem"]) == (
        None,
        None,
        None,
        None,
    )


def test_an_invalid_code_prints_json_and_exits_1() -> None:
    code, data = _show_json("99.99.99.G21")
    assert code == 1
    assert data["valid"] is False
    assert data["code"] == "99.99.99.G21"
    assert all(data[key] is None for key in STRUCTURAL_KEYS)
    assert data["problem"] == "Đoạn cấp 4 '99' có 2 chữ số thay vì 3."


def test_lenient_mode_accepts_a_legacy_code() -> None:
    code, data = _show_json("99.99.99.G21", "--lenient")
    assert code == 0
    assert (data["valid"], data["lenient"], data["code"], data["level"]) == (
        True,
        True,
        "099.99.99.G21",
        4,
    )
    assert data["problem"] == data["format_problem"] == "Đoạn cấp 4 '99' có 2 chữ số thay vì 3."


@pytest.mark.parametrize("text", ["hello", "", "000.00.00"])
def test_garbage_exits_1_even_in_lenient_mode(text: str) -> None:
    code, data = _show_json(text, "--lenient")
    assert code == 1
    assert data["valid"] is False
    assert data["problem"]


def test_a_closed_code_is_valid_but_inactive() -> None:
    code, data = _show_json("000.00.00.H02", "--at", "2025-07-01")
    assert code == 0
    assert (data["valid"], data["active"], data["successor"]) == (True, False, "000.00.00.H05")
    assert data["name"] == "UBND tỉnh Bắc Giang"
    assert data["closed_on"] == "2025-07-01"
    assert data["problem"] == (
        "Mã đã đóng từ 01/07/2025; đơn vị kế thừa: 000.00.00.H05 (UBND tỉnh Bắc Ninh)."
    )
    code, data = _show_json("000.00.00.H02", "--at", "2025-06-30")
    assert (code, data["active"], data["problem"]) == (0, True, None)


def test_at_defaults_to_today_and_must_be_a_date() -> None:
    code, data = _show_json("000.00.00.G22")
    assert code == 0
    assert len(data["at"]) == 10
    code, _, err = _run("codes", "show", "000.00.00.G22", "--at", "2025-02-30")
    assert code == 2
    assert "--at" in err


def test_extra_registries(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("code,name\n000.00.13.H53,Sở Tư pháp\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("code,name\n000.01.13.H53,Phòng một\n", encoding="utf-8")
    args = ("--registry", str(first), "--registry", str(second), "--at", "2025-07-01")
    assert _show_json("000.00.13.H53", *args)[1]["name"] == "Sở Tư pháp"
    assert _show_json("000.01.13.H53", *args)[1]["name"] == "Phòng một"


def test_human_output_in_vietnamese_and_english() -> None:
    code, out, _ = _run("codes", "show", "000.00.00.H02", "--at", "2025-07-01")
    assert code == 0
    for words in ("Mã định danh", "UBND tỉnh Bắc Giang", "đã đóng từ 01/07/2025", "000.00.00.H05"):
        assert words in out
    code, out, _ = _run("--lang", "en", "codes", "show", "000.00.00.H02", "--at", "2025-07-01")
    assert code == 0
    for words in ("Code", "Level-1 unit", "closed on 2025-07-01", "000.00.00.H05"):
        assert words in out
    code, out, _ = _run("--lang", "en", "codes", "show", "28.22.H17")
    assert code == 1
    assert "It has 3 segments instead of 4" in out


def test_list() -> None:
    code, out, _ = _run("codes", "list", "--class", "G", "--json", "--at", "2025-03-01")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 37
    assert all(row["class"] == "G" for row in rows)
    assert sum(row["active"] is False for row in rows) == 10
    code, out, _ = _run("codes", "list", "--class", "H", "--active-only", "--json", "--at", "2025-07-01")
    assert len(json.loads(out)) == 34
    code, out, _ = _run("codes", "list", "--class", "I")
    assert code == 0
    assert "Hội Nông dân Việt Nam" in out


def test_the_real_command() -> None:
    done = subprocess.run(
        [str(LIENTHONG), "codes", "show", "000.00.04.H02", "--json", "--at", "2025-07-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert (data["valid"], data["active"], data["level1"]) == (True, False, "000.00.00.H02")
    assert "000.00.00.H02" in data["problem"]


def test_the_real_command_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n99.99.99.G21,X\n", encoding="utf-8")
    done = subprocess.run(
        [str(LIENTHONG), "codes", "show", "000.00.00.G22", "--registry", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("lỗi: ")
    assert f"{bad}, dòng 2, cột 1 (code)" in done.stderr
