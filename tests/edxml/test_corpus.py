"""The shipped corpus: samples and vendor variants are accepted, hostile files refused with
the reason tests/data/README.md gives, and what our writer emits is in canonical form."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from lienthong.codes import default_registry
from lienthong.edxml import (
    DEFAULT_LIMITS,
    DigestSink,
    Severity,
    StatusCode,
    check_package,
    parse_package,
    validate_package,
    validate_schema,
    write_package,
)
from lienthong.errors import PackageRejected
from support.edxml_packages import STREAMING, full_document, status

ROOT = Path(__file__).resolve().parents[2]
ACCEPTED = sorted((ROOT / "samples").glob("*.edxml")) + sorted((ROOT / "tests/data/vendor").glob("*.edxml"))
HOSTILE = ROOT / "tests/data/hostile"

#: file → the error or problem code that must refuse it (tests/data/README.md)
REFUSED = {
    "xxe-file.edxml": "dtd-forbidden",
    "xxe-network.edxml": "dtd-forbidden",
    "billion-laughs.edxml": "dtd-forbidden",
    "quadratic-blowup.edxml": "dtd-forbidden",
    "dtd-only.edxml": "dtd-forbidden",
    "deep-nesting.edxml": "xml-limit",
    "zip-bomb.edxml": "attachment-too-large",
    "empty.edxml": "empty",
    "truncated.edxml": "malformed-xml",
    "not-xml.edxml": "malformed-xml",
    "wrong-namespace.edxml": "wrong-root",
    "no-namespace.edxml": "wrong-root",
    "missing-from.edxml": "element-missing",
    "malformed-code.edxml": "code-invalid",
    "unknown-status.edxml": "unknown-status",
    "manifest-missing-attachment.edxml": "attachment-missing",
    "attachment-not-in-manifest.edxml": "attachment-unlisted",
    "duplicate-content-id.edxml": "content-id-repeated",
    "invalid-base64.edxml": "invalid-base64",
    "impossible-date.edxml": "impossible-date",
}


def test_the_corpus_is_all_there() -> None:
    assert len(ACCEPTED) >= 18
    assert {p.name for p in HOSTILE.glob("*.edxml")} == set(REFUSED)


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.name)
def test_sample_and_vendor_packages_are_accepted_both_ways(path: Path) -> None:
    data = path.read_bytes()
    whole = parse_package(data)
    assert parse_package(io.BytesIO(data), limits=STREAMING) == whole
    problems = check_package(whole, registry=default_registry(), at=date(2025, 10, 1))
    assert [p for p in problems if p.severity is Severity.ERROR] == []
    again = write_package(whole)
    assert parse_package(again) == whole


@pytest.mark.parametrize("name", sorted(REFUSED))
@pytest.mark.parametrize("streaming", [False, True], ids=["whole", "streamed"])
def test_hostile_file_is_refused_with_its_documented_reason(name: str, streaming: bool) -> None:
    data = (HOSTILE / name).read_bytes()
    source: bytes | io.BytesIO = io.BytesIO(data) if streaming else data
    limits = STREAMING if streaming else DEFAULT_LIMITS
    with pytest.raises(PackageRejected) as raised:
        validate_package(parse_package(source, sink=DigestSink(), limits=limits))
    assert raised.value.code == REFUSED[name], str(raised.value)


def test_what_we_write_is_in_canonical_form() -> None:
    validate_schema(write_package(full_document()))
    for code in StatusCode:
        validate_schema(write_package(status(code)))
    for path in (ROOT / "samples").glob("*.edxml"):
        validate_schema(write_package(parse_package(path.read_bytes())))
