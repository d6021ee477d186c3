"""Read, write, read gives the same model; writing is byte-stable; both parsers agree."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lienthong.edxml import (
    VIETNAM_TZ,
    Attachment,
    Business,
    BusinessType,
    BytesContent,
    DocumentCode,
    DocumentHeader,
    DocumentPackage,
    DocumentType,
    ManifestReference,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPackage,
    TraceHeader,
    parse_package,
    write_package,
)
from support.edxml_packages import STREAMING, full_document, status


def test_write_read_write_is_byte_stable() -> None:
    first = write_package(full_document())
    again = write_package(parse_package(first))
    assert again == first
    assert write_package(parse_package(again)) == first


def test_streaming_parser_reads_the_same_model_as_the_in_memory_one() -> None:
    data = write_package(full_document())
    whole = parse_package(data)
    streamed = parse_package(io.BytesIO(data), limits=STREAMING)
    streamed_bytes = parse_package(data, limits=STREAMING)
    assert whole == streamed == streamed_bytes
    assert isinstance(whole, DocumentPackage) and isinstance(streamed, DocumentPackage)
    assert [a.content.read_bytes() for a in streamed.attachments] == [
        a.content.read_bytes() for a in whole.attachments
    ]


def test_status_packages_round_trip_through_both_parsers() -> None:
    package = status(StatusCode.REFUSED, description="Văn bản gửi nhầm nơi nhận")
    data = write_package(package)
    assert parse_package(data) == parse_package(io.BytesIO(data), limits=STREAMING) == package


# --- property-based: any model the writer accepts comes back equal --------------------------

# Text as it survives XML: no control characters (XML 1.0 forbids them; CR is normalised to LF),
# no surrogates, no leading or trailing white space (readers strip it), never empty.
_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"),
            blacklist_characters="\ufffe\uffff",
        )
        | st.sampled_from("àáạảãâầấậẩẫăằắặẳẵđĐÊỆƯỮ&<>\"'\n"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
_optional_text = st.none() | _text
_codes = st.from_regex(r"\A\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\Z", fullmatch=True)
_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
_times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=VIETNAM_TZ)
)
_small = st.none() | st.integers(min_value=0, max_value=10**6)


@st.composite
def _organizations(draw: st.DrawFn) -> Organization:
    return Organization(
        organ_id=draw(_codes),
        organization_in_charge=draw(_optional_text),
        organ_name=draw(_optional_text),
        organ_add=draw(_optional_text),
        email=draw(_optional_text),
        telephone=draw(_optional_text),
        fax=draw(_optional_text),
        website=draw(_optional_text),
    )


@st.composite
def _attachments(draw: st.DrawFn) -> tuple[Attachment, ...]:
    count = draw(st.integers(min_value=0, max_value=3))
    return tuple(
        Attachment(
            content_id=str(index + 1),
            name=draw(_text) + ".pdf",
            content_type=draw(st.sampled_from(["application/pdf", "application/msword", "image/png"])),
            content=BytesContent(draw(st.binary(max_size=300))),
            description=draw(_optional_text),
            zip_wrapped=draw(st.booleans()),
        )
        for index in range(count)
    )


@st.composite
def documents(draw: st.DrawFn) -> DocumentPackage:
    attachments = draw(_attachments())
    business_type = draw(st.sampled_from(list(BusinessType)))
    return DocumentPackage(
        header=DocumentHeader(
            from_=draw(_organizations()),
            to=tuple(draw(st.lists(_organizations(), min_size=1, max_size=3))),
            document_id=draw(_text),
            code=DocumentCode(number=draw(st.from_regex(r"\A\d{1,5}\Z")), notation=draw(_text)),
            subject=draw(_text),
            promulgation=draw(
                st.none()
                | st.builds(PromulgationInfo, place=_optional_text, promulgation_date=st.none() | _dates)
            ),
            document_type=draw(
                st.none() | st.builds(DocumentType, type=_small, type_detail=_small, type_name=_optional_text)
            ),
            signer_info=draw(
                st.none()
                | st.builds(
                    SignerInfo,
                    competence=_optional_text,
                    position=_optional_text,
                    full_name=_optional_text,
                )
            ),
            steering_type=draw(_small),
            content=draw(_optional_text),
            due_date=draw(st.none() | _dates),
            other_info=draw(
                st.none()
                | st.builds(
                    OtherInfo,
                    priority=_small,
                    sphere_of_promulgation=_optional_text,
                    typer_notation=_optional_text,
                    promulgation_amount=_small,
                    page_amount=_small,
                    reply_fors=_optional_text,
                    direction=st.none() | st.booleans(),
                    reference_codes=_optional_text,
                    appendixes=st.lists(_text, max_size=2).map(tuple),
                )
            ),
            response_for=tuple(
                draw(
                    st.lists(
                        st.builds(
                            ResponseFor,
                            organ_id=_codes,
                            document_id=_text,
                            code=_optional_text,
                            promulgation_date=st.none() | _dates,
                        ),
                        max_size=2,
                    )
                )
            ),
            to_places=tuple(draw(st.lists(_text, max_size=2))),
        ),
        trace=tuple(
            draw(
                st.lists(
                    st.builds(TraceHeader, organ_id=_codes, timestamp=_times),
                    min_size=1,
                    max_size=3,
                )
            )
        ),
        business=draw(
            st.none()
            | st.builds(
                Business,
                business_type=st.just(business_type),
                document_id=_optional_text,
                reason=_optional_text,
                paper=st.none() | st.integers(min_value=0, max_value=1),
                staff_info=st.none()
                | st.builds(
                    StaffInfo,
                    department=_optional_text,
                    staff=_optional_text,
                    email=_optional_text,
                    mobile=_optional_text,
                ),
            )
        ),
        manifest=tuple(
            ManifestReference(
                content_id=a.content_id,
                content_type=a.content_type,
                description=a.description,
                attachment_name=a.name,
            )
            for a in attachments
        ),
        attachments=attachments,
    )


@st.composite
def statuses(draw: st.DrawFn) -> StatusPackage:
    return StatusPackage(
        from_=draw(_organizations()),
        response_for=draw(
            st.builds(
                ResponseFor,
                organ_id=_codes,
                document_id=_text,
                code=_optional_text,
                promulgation_date=st.none() | _dates,
            )
        ),
        status_code=draw(st.sampled_from(list(StatusCode))),
        timestamp=draw(_times),
        staff_info=draw(
            st.none()
            | st.builds(
                StaffInfo,
                department=_optional_text,
                staff=_optional_text,
                email=_optional_text,
                mobile=_optional_text,
            )
        ),
        description=draw(_optional_text),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_document_model_survives_xml_and_back(package: DocumentPackage) -> None:
    data = write_package(package)
    read = parse_package(data)
    assert read == package
    assert write_package(read) == data
    assert parse_package(data, limits=STREAMING) == package


@settings(max_examples=100, deadline=None)
@given(statuses())
def test_any_status_model_survives_xml_and_back(package: StatusPackage) -> None:
    data = write_package(package)
    assert parse_package(data) == package
    assert write_package(parse_package(data)) == data


@given(_times)
def test_timestamps_are_written_in_vietnam_time_whatever_zone_they_carry(moment: datetime) -> None:
    shifted = moment.astimezone(VIETNAM_TZ.__class__(timedelta(hours=-5)))
    package = status(StatusCode.DONE)
    from dataclasses import replace

    assert parse_package(write_package(replace(package, timestamp=shifted))).timestamp == moment  # type: ignore[union-attr]
