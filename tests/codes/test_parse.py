"""Parsing identifier codes: levels, parents, class letters, strict refusals, lenient readings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import lienthong.codes
from lienthong._i18n import Language, Message, language, render, set_language
from lienthong.codes import AgencyCode, is_valid_code, parse_code
from lienthong.errors import CodeError


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    before: Language = language()
    set_language("vi")
    yield
    set_language(before)


def test_public_names_are_exported_sorted() -> None:
    names = lienthong.codes.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(lienthong.codes, name) is not None
    public = {name for name in vars(lienthong.codes) if not name.startswith("_")}
    assert public - {"annotations"} == set(names)


@pytest.mark.parametrize(
    ("letter", "vi", "en"),
    [
        ("A", "Cơ quan của Đảng", "Party bodies"),
        ("B", "Văn phòng Chủ tịch nước", "Office of the President"),
        ("C", "Cơ quan của Quốc hội", "National Assembly bodies"),
        ("D", "Tòa án nhân dân tối cao", "Supreme People's Court"),
        ("E", "Viện kiểm sát nhân dân tối cao", "Supreme People's Procuracy"),
        ("F", "Kiểm toán Nhà nước", "State Audit"),
        ("G", "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "Ministries and government agencies"),
        ("H", "Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương", "Provincial People's Committees"),
        ("I", "Tổ chức chính trị - xã hội ở trung ương", "Central socio-political organisations"),
        ("J", "Tổ chức xã hội, tổ chức xã hội - nghề nghiệp", "Social and professional organisations"),
        ("K", "Hội đồng nhân dân tỉnh, thành phố trực thuộc trung ương", "Provincial People's Councils"),
    ],
)
def test_every_class_letter_has_its_meaning_in_both_languages(letter: str, vi: str, en: str) -> None:
    code = parse_code(f"000.00.00.{letter}01")
    assert code.class_letter == letter
    meaning = code.class_meaning
    assert meaning is not None and meaning.code == f"codes-class-{letter.lower()}"
    assert render(meaning, "vi") == vi
    assert render(meaning, "en") == en


@pytest.mark.parametrize("letter", ["L", "Q", "Z"])
def test_an_unassigned_letter_is_well_formed_without_meaning(letter: str) -> None:
    code = parse_code(f"000.00.03.{letter}99")
    assert code.class_letter == letter
    assert code.class_meaning is None
    assert not code.lenient


@pytest.mark.parametrize(
    ("text", "level", "parent"),
    [
        ("000.00.00.G22", 1, None),
        ("000.00.04.G14", 2, "000.00.00.G14"),
        ("000.00.13.H53", 2, "000.00.00.H53"),
        ("000.01.01.H08", 3, "000.00.01.H08"),
        ("001.02.04.G14", 4, "000.02.04.G14"),
        ("777.77.04.D77", 4, "000.77.04.D77"),
    ],
)
def test_level_and_parent(text: str, level: int, parent: str | None) -> None:
    code = parse_code(text)
    assert code.text == str(code) == text
    assert code.level == level
    assert (code.parent.text if code.parent else None) == parent
    assert not code.lenient
    assert code.problem is None


def test_the_parent_chain_climbs_one_level_at_a_time_to_level_one() -> None:
    code = parse_code("001.02.04.G14")
    assert [p.text for p in code.parents] == ["000.02.04.G14", "000.00.04.G14", "000.00.00.G14"]
    assert [p.level for p in code.parents] == [3, 2, 1]
    assert code.level1 == parse_code("000.00.00.G14")
    assert code.level1.level1 == code.level1
    assert parse_code("000.00.00.G14").parents == ()


def test_subtree_tests() -> None:
    province = parse_code("000.00.00.H53")
    department = parse_code("000.00.13.H53")
    office = parse_code("000.02.13.H53")
    assert province.is_ancestor_of(department)
    assert province.is_ancestor_of(office)
    assert department.is_ancestor_of(office)
    assert not office.is_ancestor_of(department)
    assert not province.is_ancestor_of(province)
    assert province.contains(province)
    assert province.contains(office)
    assert not parse_code("000.00.00.H52").contains(office)
    assert not parse_code("000.00.12.H53").contains(office)
    assert not parse_code("000.00.00.G53").contains(office)


def test_codes_are_equal_by_canonical_text_however_written() -> None:
    strict = parse_code("000.00.00.G22")
    loose = parse_code(" 000.00.00.g22", lenient=True)
    assert loose.lenient
    assert loose == strict
    assert hash(loose) == hash(strict)
    assert len({strict, loose}) == 1


def test_agency_code_can_be_built_from_canonical_text_only() -> None:
    assert AgencyCode("000.00.04.G14") == parse_code("000.00.04.G14")
    with pytest.raises(CodeError) as caught:
        AgencyCode("99.99.99.G21")
    assert caught.value.code == "code-not-canonical"
    # The standard's pattern allows a level-4 unit directly under a level-2 one.
    skipping = AgencyCode("001.00.04.G14")
    assert skipping == parse_code("001.00.04.G14") and not skipping.lenient
    assert skipping.level == 4 and skipping.parent == parse_code("000.00.04.G14")


@pytest.mark.parametrize(
    ("text", "flaw", "reason"),
    [
        ("99.99.99.G21", "codes-flaw-segment-digits", "Đoạn cấp 4 '99' có 2 chữ số thay vì 3."),
        ("999.010.01.H22", "codes-flaw-segment-digits", "Đoạn cấp 3 '010' có 3 chữ số thay vì 2."),
        ("000.00.1.G22", "codes-flaw-segment-digit", "Đoạn cấp 2 '1' có 1 chữ số thay vì 2."),
        ("000.00.00.G2", "codes-flaw-unit-digit", "Mã đơn vị cấp 1 'G2' có 1 chữ số sau chữ cái thay vì 2."),
        ("28.22.H17", "codes-flaw-segments-missing", "Chỉ có 3 đoạn thay vì 4 (DDD.DD.DD.LDD)."),
        ("000.00.00.g22", "codes-flaw-lower-case", "Chữ cái phân loại 'g' viết thường."),
        (" 000.00.00.G22", "codes-flaw-whitespace", "Có khoảng trắng ở đầu hoặc cuối."),
        ("000.00.00.G22\n", "codes-flaw-whitespace", "Có khoảng trắng ở đầu hoặc cuối."),
    ],
)
def test_strict_mode_refuses_malformed_codes_saying_why(text: str, flaw: str, reason: str) -> None:
    with pytest.raises(CodeError) as caught:
        parse_code(text)
    message = caught.value.message
    assert isinstance(message, Message) and message.code == flaw
    assert render(message, "vi") == reason
    assert caught.value.code == "code-malformed"
    assert caught.value.value == text
    assert not is_valid_code(text)
    assert is_valid_code(text, lenient=True)


def test_strict_reasons_in_english() -> None:
    with pytest.raises(CodeError) as caught:
        parse_code("99.99.99.G21")
    message = caught.value.message
    assert isinstance(message, Message)
    assert message.params == {"level": 4, "segment": "99", "count": 2, "width": 3}
    assert render(message, "en") == "The level-4 segment '99' has 2 digits instead of 3."
    with pytest.raises(CodeError) as caught:
        parse_code("000.00.1.G2")
    assert caught.value.render("en") == (
        "The level-2 segment '1' has 1 digit instead of 2. The level-1 unit 'G2' has 1 digit after the letter instead of 2."
    )


@pytest.mark.parametrize(
    ("text", "canonical", "level", "problem"),
    [
        ("99.99.99.G21", "099.99.99.G21", 4, "Đoạn cấp 4 '99' có 2 chữ số thay vì 3."),
        ("999.010.01.H22", "999.10.01.H22", 4, "Đoạn cấp 3 '010' có 3 chữ số thay vì 2."),
        (
            "28.22.H17",
            "000.28.22.H17",
            3,
            "Chỉ có 3 đoạn thay vì 4, các đoạn đầu còn thiếu được coi là 0.",
        ),
        ("000.00.00.g22", "000.00.00.G22", 1, "Chữ cái phân loại 'g' viết thường."),
        ("\t000.00.04.G14  ", "000.00.04.G14", 2, "Có khoảng trắng ở đầu hoặc cuối."),
        (
            "0001.2.04.G14",
            "001.02.04.G14",
            4,
            "Đoạn cấp 4 '0001' có 4 chữ số thay vì 3. Đoạn cấp 3 '2' có 1 chữ số thay vì 2.",
        ),
        (
            "000.00.00.G1234",
            "000.00.00.G1234",
            1,
            "Mã đơn vị cấp 1 'G1234' có 4 chữ số sau chữ cái thay vì 2.",
        ),
    ],
)
def test_lenient_mode_reads_what_real_peers_send(text: str, canonical: str, level: int, problem: str) -> None:
    code = parse_code(text, lenient=True)
    assert code.text == canonical
    assert code.level == level
    assert code.lenient
    assert code.problem is not None and render(code.problem, "vi") == problem
    assert parse_code(code.text, lenient=True) == code


def test_an_over_long_segment_keeps_its_digits() -> None:
    code = parse_code("000.00.123.G01", lenient=True)
    assert code.text == "000.00.123.G01"
    assert code.level == 2
    assert code.parent == parse_code("000.00.00.G01")
    with pytest.raises(CodeError):
        parse_code(code.text)  # its canonical text is still not a strict code


def test_the_parent_of_a_lenient_code_is_strict_when_its_text_is() -> None:
    code = parse_code("99.99.99.G21", lenient=True)
    parent = code.parent
    assert parent is not None
    assert parent.text == "000.99.99.G21"
    assert not parent.lenient
    assert parent.problem is None
    assert code.level1 == parse_code("000.00.00.G21")


def test_a_strict_code_read_leniently_is_not_flagged() -> None:
    code = parse_code("777.77.04.D77", lenient=True)
    assert not code.lenient
    assert code.problem is None


#: The problem code a refusal carries -> the message codes that may say why.
REFUSALS = {
    "code-no-unit": ("codes-no-unit",),
    "code-empty": ("codes-empty",),
    "code-segments": ("codes-too-many-segments",),
    "code-not-number": ("codes-segment-not-number", "codes-segment-empty"),
    "code-too-long": ("codes-too-long",),
}


@pytest.mark.parametrize(
    ("text", "error", "reason"),
    [
        (
            "hello",
            "code-no-unit",
            "Đoạn cuối 'hello' không phải mã đơn vị cấp 1 (một chữ cái rồi hai chữ số, ví dụ G22).",
        ),
        ("", "code-empty", "Mã định danh trống."),
        ("   ", "code-empty", "Mã định danh trống."),
        ("000.00.00", "code-no-unit", "Đoạn cuối '00' không phải mã đơn vị cấp 1"),
        ("000.00.00.22", "code-no-unit", "Đoạn cuối '22' không phải mã đơn vị cấp 1"),
        ("000.00.00.G", "code-no-unit", "Đoạn cuối 'G' không phải mã đơn vị cấp 1"),
        ("000.00.00.Đ22", "code-no-unit", "Đoạn cuối 'Đ22' không phải mã đơn vị cấp 1"),
        ("000.00.00.G22.1", "code-segments", "Mã có 5 đoạn, nhiều hơn 4"),
        ("000..00.G22", "code-not-number", "Đoạn cấp 3 trống."),
        ("0a0.00.00.G22", "code-not-number", "Đoạn cấp 4 '0a0' không phải là số."),
        ("000.٠٠.00.G22", "code-not-number", "Đoạn cấp 3 '٠٠' không phải là số."),
        ("000 .00.00.G22", "code-not-number", "Đoạn cấp 4 '000 ' không phải là số."),
        ("1" * 40 + ".G22", "code-too-long", "Chuỗi dài 44 ký tự"),
    ],
)
def test_garbage_is_refused_even_in_lenient_mode(text: str, error: str, reason: str) -> None:
    for lenient in (False, True):
        with pytest.raises(CodeError) as caught:
            parse_code(text, lenient=lenient)
        assert caught.value.code == error
        message = caught.value.message
        assert isinstance(message, Message) and message.code in REFUSALS[error]
        assert render(message, "vi").startswith(reason)
        assert render(message, "vi").endswith(".")
        assert render(message, "en").endswith(".")
        assert not is_valid_code(text, lenient=lenient)
