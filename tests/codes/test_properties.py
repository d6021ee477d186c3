"""Properties of identifier codes that must hold for every code, not only the examples."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from lienthong._i18n import LANGUAGES, Message
from lienthong.codes import AgencyCode, parse_code
from lienthong.errors import CodeError

STRICT_PATTERN = r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}"


@st.composite
def strict_codes(draw: st.DrawFn) -> str:
    """A well-formed code of any level and class, no level skipped, zeros below the level."""
    level = draw(st.integers(min_value=1, max_value=4))
    unit = draw(st.sampled_from(string.ascii_uppercase)) + f"{draw(st.integers(0, 99)):02d}"
    segments = []
    for width, segment_level in ((3, 4), (2, 3), (2, 2)):
        if segment_level <= level and segment_level > 1:
            value = draw(st.integers(min_value=1, max_value=10**width - 1))
        else:
            value = 0
        segments.append(f"{value:0{width}d}")
    return ".".join([*segments, unit])


def _skips_a_level(text: str) -> bool:
    segments = text.split(".")[:3]
    nonzero = [index for index, digits in enumerate(segments) if int(digits)]
    return bool(nonzero) and any(int(digits) == 0 for digits in segments[nonzero[0] :])


@given(strict_codes())
def test_every_strict_code_parses_and_climbs_to_level_one(text: str) -> None:
    code = parse_code(text)
    assert str(code) == code.text == text
    assert not code.lenient
    assert code.problem is None
    assert parse_code(code.text) == code
    assert AgencyCode(text) == code
    parent = code.parent
    if code.level == 1:
        assert parent is None
        assert code.level1 == code
    else:
        assert parent is not None
        assert parent.level == code.level - 1
        assert not parent.lenient
        assert parent.is_ancestor_of(code)
    chain = code.parents
    assert [p.level for p in chain] == list(range(code.level - 1, 0, -1))
    assert chain[-1:] in ((), (code.level1,))
    assert code.level1.level == 1
    assert code.level1.contains(code)
    assert all(p.contains(code) and not code.is_ancestor_of(p) for p in chain)
    assert code.class_letter == text[-3]


@given(st.from_regex(STRICT_PATTERN, fullmatch=True))
def test_every_code_of_the_strict_pattern_is_valid_and_climbs_to_level_one(text: str) -> None:
    code = parse_code(text)
    assert code.text == text and not code.lenient
    assert parse_code(text, lenient=True) == code and not parse_code(text, lenient=True).lenient
    levels = [code.level, *(parent.level for parent in code.parents)]
    assert levels == sorted(levels, reverse=True) and len(set(levels)) == len(levels)
    assert levels[-1] == 1 and code.level1.contains(code)
    # A level is skipped exactly when a zero stands between non-zero segments.
    assert (len(levels) < code.level) == _skips_a_level(text)


@st.composite
def loose_codes(draw: st.DrawFn) -> tuple[str, list[int], str, int]:
    """A code as a careless peer writes it, with the segment values it means."""
    count = draw(st.integers(min_value=0, max_value=3))
    values = draw(st.lists(st.integers(0, 999), min_size=count, max_size=count))
    pieces = [str(value).zfill(draw(st.integers(1, 4))) for value in values]
    letter = draw(st.sampled_from(string.ascii_letters))
    unit = draw(st.integers(0, 99))
    number = str(unit).zfill(draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["", " ", "\t", " \n"]))
    text = padding + ".".join([*pieces, letter + number]) + padding
    return text, [0] * (3 - count) + values, letter.upper(), unit


@given(loose_codes())
def test_lenient_reading_keeps_every_segment_value(
    case: tuple[str, list[int], str, int],
) -> None:
    text, values, letter, unit = case
    code = parse_code(text, lenient=True)
    segments = code.text.split(".")
    assert [int(digits) for digits in segments[:3]] == values
    assert segments[3] == f"{letter}{unit:02d}"
    assert code.class_letter == letter
    assert code.lenient == (code.problem is not None)
    assert parse_code(code.text, lenient=True) == code


def _only_code_errors(text: str) -> None:
    for lenient in (False, True):
        try:
            code = parse_code(text, lenient=lenient)
        except CodeError as exc:
            error: CodeError | None = exc
        else:
            error = None
        if error is not None:
            # Every refusal is a message with a text in both languages, each one sentence.
            assert isinstance(error.message, Message) and error.message.code.startswith("codes-")
            for chosen in LANGUAGES:
                assert error.render(chosen).endswith(".")
                assert error.message.code not in error.render(chosen)
            assert error.value == text
            continue
        assert code.lenient == (code.problem is not None)
        assert parse_code(code.text, lenient=True) == code
        if not code.lenient:
            assert parse_code(code.text) == code
        assert code.level1.contains(code)


@given(st.text())
def test_random_text_raises_nothing_but_code_error(text: str) -> None:
    _only_code_errors(text)


@given(st.text(alphabet="0123456789.GHgh Đ٣\t", max_size=24))
def test_near_misses_raise_nothing_but_code_error(text: str) -> None:
    _only_code_errors(text)
