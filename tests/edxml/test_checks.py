"""Semantic checks: what a well-formed package can still get wrong."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from lienthong._i18n import Message, render
from lienthong.codes import default_registry
from lienthong.edxml import (
    FIELD_LENGTHS,
    Business,
    BusinessType,
    Organization,
    Severity,
    StatusCode,
    check_field_lengths,
    check_package,
    validate_package,
)
from lienthong.edxml._fields import text_fields
from lienthong.errors import SemanticInvalid
from support.edxml_packages import full_document, status


def _codes(problems: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(p.severity.value, p.code) for p in problems]


def test_a_complete_package_has_no_problem() -> None:
    assert check_package(full_document()) == []
    assert validate_package(status(StatusCode.DONE)) == []


def test_malformed_codes_are_errors_in_strict_mode_and_warnings_in_lenient_mode() -> None:
    document = full_document()
    header = replace(document.header, to=(Organization(organ_id="99.99.99.G21"), *document.header.to[1:]))
    package = replace(document, header=header)
    strict = check_package(package)
    assert _codes(strict) == [("error", "code-invalid")]
    assert strict[0].element == "To/OrganId" and strict[0].message.code == "edxml-code-invalid"
    assert strict[0].message.params["code"] == "99.99.99.G21"
    reason = strict[0].message.params["reason"]
    assert isinstance(reason, Message) and reason.code == "codes-flaw-segment-digits"
    assert render(strict[0].message, "en") == (
        "identifier code '99.99.99.G21' is invalid: The level-4 segment '99' has 2 digits instead of 3."
    )
    assert strict[0].render("vi") == (
        "mã định danh '99.99.99.G21' không hợp lệ: Đoạn cấp 4 '99' có 2 chữ số thay vì 3. [To/OrganId]"
    )
    assert _codes(check_package(package, lenient_codes=True)) == [("warning", "code-lenient")]
    with pytest.raises(SemanticInvalid) as raised:
        validate_package(package)
    assert raised.value.element == "To/OrganId"


def test_a_recipient_listed_twice_is_an_error() -> None:
    document = full_document()
    header = replace(document.header, to=(document.header.to[0], document.header.to[0]))
    assert ("error", "recipient-repeated") in _codes(check_package(replace(document, header=header)))


@pytest.mark.parametrize("kind", [BusinessType.RECALL, BusinessType.UPDATE, BusinessType.REPLACE])
def test_recall_update_and_replace_must_name_the_earlier_document(kind: BusinessType) -> None:
    package = full_document(business=Business(business_type=kind, reason="Sai sót"))
    assert ("error", "business-target-missing") in _codes(check_package(package))


def test_closed_codes_are_reported_with_their_successor_when_a_registry_is_given() -> None:
    document = full_document()
    header = replace(document.header, to=(Organization(organ_id="000.00.00.H02"),))
    package = replace(document, header=header)
    registry = default_registry()
    before = check_package(package, registry=registry, at=date(2025, 6, 30))
    after = check_package(package, registry=registry, at=date(2025, 7, 1))
    assert "code-closed" not in [p.code for p in before]
    closed = [p for p in after if p.code == "code-closed"]
    assert closed and closed[0].severity is Severity.WARNING and closed[0].message.code == "codes-closed"
    assert "000.00.00.H05" in render(closed[0].message, "en")
    assert "000.00.00.H05" in render(closed[0].message, "vi")


def test_refusal_without_reason_and_due_date_before_promulgation_are_warnings() -> None:
    assert _codes(check_package(status(StatusCode.REFUSED, description=None))) == [
        ("warning", "refusal-reason-missing")
    ]
    document = full_document()
    early = replace(document, header=replace(document.header, due_date=date(2025, 9, 1)))
    assert _codes(check_package(early)) == [("warning", "due-before-promulgation")]


def test_the_demo_builds_reads_and_checks_every_package(tmp_path: object) -> None:
    from pathlib import Path

    from lienthong.demo import run_demo

    results = run_demo(documents=6, samples=None, out=Path(str(tmp_path)), at=date(2025, 10, 1))
    assert results and all(result.ok for result in results), [r for r in results if not r.ok]
    assert {result.kind for result in results} == {"document", "status"}


def test_a_document_id_naming_another_agency_than_the_sender_is_a_warning_and_a_uuid_is_fine() -> None:
    document = full_document()
    other = replace(document, header=replace(document.header, document_id="000.00.00.G09,2025/09/30,7816/X"))
    assert document.from_code != "000.00.00.G09"
    problems = validate_package(other)  # accepted: a warning only
    assert _codes(problems) == [("warning", "document-id-other-agency")]
    assert (
        problems[0].element == "DocumentId" and problems[0].message.code == "edxml-document-id-other-agency"
    )
    assert problems[0].message.params["named"] == "000.00.00.G09"
    assert "000.00.00.G09" in render(problems[0].message, "vi")
    own = replace(
        document, header=replace(document.header, document_id=f"{document.from_code},2025/09/30,1/X")
    )
    assert check_package(own) == []
    opaque = replace(
        document, header=replace(document.header, document_id="3f2b8c1e-9d4a-4e7b-8a6f-0c1d2e3f4a5b")
    )
    assert check_package(opaque) == []


def test_every_bounded_field_is_walked_and_every_walked_field_bounded() -> None:
    walked = {
        key for package in (full_document(), status(StatusCode.DONE)) for _, key, _ in text_fields(package)
    }
    assert walked == set(FIELD_LENGTHS)


@pytest.mark.parametrize(
    ("element", "limit", "change"),
    [
        ("Subject", 500, lambda p, text: replace(p, header=replace(p.header, subject=text))),
        (
            "Code/CodeNotation",
            30,
            lambda p, text: replace(p, header=replace(p.header, code=replace(p.header.code, notation=text))),
        ),
        (
            "SignerInfo/FullName",
            50,
            lambda p, text: replace(
                p, header=replace(p.header, signer_info=replace(p.header.signer_info, full_name=text))
            ),
        ),
        ("ToPlaces/Place", 1000, lambda p, text: replace(p, header=replace(p.header, to_places=("a", text)))),
        (
            "To/OrganName",
            200,
            lambda p, text: replace(
                p, header=replace(p.header, to=(replace(p.header.to[0], organ_name=text), *p.header.to[1:]))
            ),
        ),
    ],
)
def test_a_field_over_its_qcvn_length_is_refused_naming_it(element: str, limit: int, change: Any) -> None:
    assert check_package(change(full_document(), "ậ" * limit)) == []  # characters, not bytes
    with pytest.raises(SemanticInvalid) as raised:
        validate_package(change(full_document(), "ậ" * (limit + 1)))
    assert raised.value.code == "field-too-long" and raised.value.element == element
    message = raised.value.message
    assert isinstance(message, Message) and message.code == "edxml-field-too-long"
    assert message.params == {"element": element, "length": limit + 1, "limit": limit}
    assert raised.value.render("en").startswith(
        f"{element} is {limit + 1} characters long, over the limit of {limit}"
    )
    assert raised.value.render("vi").startswith(f"{element} dài {limit + 1} ký tự, vượt giới hạn {limit}")


def test_a_2_mb_subject_and_a_100_kb_notation_are_refused() -> None:
    package = full_document()
    header = replace(
        package.header, subject="x" * (2 << 20), code=replace(package.header.code, notation="y" * 100_000)
    )
    problems = check_package(replace(package, header=header))
    assert [(p.element, p.code) for p in problems] == [
        ("Code/CodeNotation", "field-too-long"),
        ("Subject", "field-too-long"),
    ]
    with pytest.raises(SemanticInvalid):
        check_field_lengths(replace(package, header=header))
    status_package = replace(status(StatusCode.REFUSED), description="z" * 2001)
    assert [p.element for p in check_package(status_package)] == ["Description"]
