"""The reader's fast paths do exactly what the plain code does.

The compiled tree walk against ``py_to_node``, the compiled reader against ``_reader.py``, the
whole-text base64 decoder against the streaming one, the frozen-value constructors against the
classes' own ``__init__``, and the cached date parsers against the plain ones, on every
corpus file and on inputs made to probe the corners.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pybase64
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from lienthong.edxml import (
    DEFAULT_LIMITS,
    BytesContent,
    DigestSink,
    Limits,
    MemorySink,
    StatusCode,
    _compiled,
    _fastnew,
    _model,
    _reader,
    _tree,
    parse_package,
    write_package,
)
from lienthong.edxml._dates import (
    DateFormatError,
    ImpossibleDateError,
    parse_date,
    parse_timestamp,
    read_date,
    read_timestamp,
)
from lienthong.edxml._decode import AttachmentDecoder, DecodedPayload, decode_text
from lienthong.edxml._fastnew import fast_constructor
from lienthong.edxml._xml import parse_xml
from lienthong.errors import PackageRejected
from support.edxml_packages import STREAMING, full_document, status

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    [*(ROOT / "samples").glob("*.edxml"), *(ROOT / "tests/data").glob("*/*.edxml")],
    key=lambda path: path.name,
)
EDXML = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def _packages() -> list[tuple[str, bytes]]:
    made = [
        ("full-document", write_package(full_document())),
        ("status", write_package(status(StatusCode.RECEIVED))),
    ]
    return [*((path.name, path.read_bytes()) for path in CORPUS), *made]


PACKAGES = _packages()


def _exact(value: Any) -> Any:
    """A node with the class of every value in it, so ``Many`` and ``list`` differ."""
    if isinstance(value, dict):
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list):
        return (type(value).__name__, [_exact(item) for item in value])
    return value


# -- the compiled tree walk --------------------------------------------------------------------

compiled_walk = pytest.mark.skipif(
    _tree.to_node is _tree.py_to_node, reason="built without the _ctree extension"
)

TRICKY = [
    f"<a xmlns='{EDXML}'><b> x <![CDATA[ y ]]> z </b><b/><b>  </b><c xmlns=''>q</c>"
    "<d xmlns='urn:x'/><e><!--c--></e><f>&amp;&#x41;</f><g><?pi x?></g><h>\u00a0nbsp\u2003</h></a>",
    "<a><b>1</b><b><c/></b><b>3</b><x:y xmlns:x='urn:q'/><z>Việt Nam</z><z/></a>",
    f"<e:a xmlns:e='{EDXML}' xmlns:o='urn:o'><e:b><o:c/></e:b><o:b>other</o:b><b>plain</b></e:a>",
]


@compiled_walk
@pytest.mark.parametrize("remove_comments", [True, False])
@pytest.mark.parametrize("xml", TRICKY)
def test_the_compiled_walk_reads_corners_as_python_does(xml: str, remove_comments: bool) -> None:
    parser = etree.XMLParser(remove_comments=remove_comments, remove_pis=remove_comments)
    root = etree.fromstring(xml.encode(), parser)
    for element in root.iter():
        assert _exact(_tree.to_node(element)) == _exact(_tree.py_to_node(element))


@compiled_walk
@pytest.mark.parametrize("limits", [DEFAULT_LIMITS, STREAMING], ids=["whole", "streamed"])
@pytest.mark.parametrize(("name", "data"), PACKAGES, ids=[name for name, _ in PACKAGES])
def test_the_compiled_walk_reads_every_package_as_python_does(name: str, data: bytes, limits: Limits) -> None:
    try:
        parsed = parse_xml(data, sink=DigestSink(), limits=limits)
    except PackageRejected:
        return  # refused before any walk
    for element in parsed.root.iter():
        assert _exact(_tree.to_node(element)) == _exact(_tree.py_to_node(element))


@pytest.mark.parametrize(
    "xml",
    [
        "<a/>",
        "<!DOCTYPE a><a/>",
        "<!DOCTYPE a [<!ENTITY e 'x'>]><a/>",
        "<!DOCTYPE a SYSTEM 'a.dtd'><a/>",
        "<!DOCTYPE a PUBLIC '-//A//EN' 'a.dtd'><a/>",
    ],
)
def test_both_doctype_checks_agree(xml: str) -> None:
    root = etree.fromstring(xml.encode(), etree.XMLParser(resolve_entities=False, load_dtd=False))
    assert _tree.declares_doctype(root) is _tree.py_declares_doctype(root) is xml.startswith("<!DOCTYPE")


def test_a_doctype_the_byte_scan_cannot_see_is_refused_after_parsing() -> None:
    # In UTF-16 the bytes "<!DOCTYPE" never occur: only the parsed document shows the DTD.
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE edXML><edXML/>'.encode("utf-16")
    assert b"<!DOCTYPE" not in data
    with pytest.raises(PackageRejected) as refused:
        parse_package(data)
    assert refused.value.code == "dtd-forbidden"


# -- the compiled reader -----------------------------------------------------------------------


def _outcome(read: _compiled.ReadPackage, data: bytes, limits: Limits) -> object:
    sink = MemorySink()
    try:
        parsed = parse_xml(data, sink=sink, limits=limits)
        return read(parsed, sink=sink, limits=limits)
    except PackageRejected as error:
        return (type(error), error.code, error.element, error.line, str(error))


@pytest.mark.skipif(
    not _compiled.compiled_parts()["reader"], reason="built without a current _reader_c extension"
)
@pytest.mark.parametrize("limits", [DEFAULT_LIMITS, STREAMING], ids=["whole", "streamed"])
@pytest.mark.parametrize(("name", "data"), PACKAGES, ids=[name for name, _ in PACKAGES])
def test_the_compiled_reader_reads_as_its_source_does(name: str, data: bytes, limits: Limits) -> None:
    assert _outcome(_compiled.read_package, data, limits) == _outcome(_reader.read_package, data, limits)


def test_a_reader_edited_since_its_build_runs_from_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    edited = tmp_path / "_reader.py"
    edited.write_bytes(Path(_reader.__file__).read_bytes() + b"# edited\n")
    monkeypatch.setattr(_reader, "__file__", str(edited))
    assert _compiled._current_reader() is None


def test_packages_read_the_same_whichever_reader_runs() -> None:
    for _, data in PACKAGES:
        try:
            first = parse_package(data)
        except PackageRejected:
            continue
        assert parse_package(data) == first


# -- the whole-text base64 decoder ---------------------------------------------------------------


def _streamed(text: str, sink: Any, limits: Limits, chunk: int) -> DecodedPayload:
    decoder = AttachmentDecoder(sink, limits)
    try:
        for start in range(0, len(text), chunk):
            decoder.feed(text[start : start + chunk])
        return decoder.close()
    except BaseException:
        decoder.abort()
        raise


def _decoded(decode: Callable[[], DecodedPayload]) -> tuple[Any, ...]:
    try:
        payload = decode()
    except PackageRejected as error:
        return (type(error), error.code, str(error))
    if payload.spool is not None:
        with payload.spool:
            return ("spooled", payload.spool.read())
    assert payload.content is not None
    content = payload.content
    kept = content.read_bytes() if content.retained else None
    return (content.size, content.sha256, kept)


BASE64_TEXT = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \n\t\r-é", max_size=40
)


@settings(max_examples=300, deadline=None)
@given(
    payload=st.binary(max_size=24),
    noise=st.lists(st.tuples(st.integers(0, 40), BASE64_TEXT), max_size=3),
    unpad=st.booleans(),
    limit=st.sampled_from([4, 16, 1 << 20]),
    chunk=st.integers(1, 9),
    digest=st.booleans(),
)
def test_whole_text_decoding_matches_streaming(
    payload: bytes, noise: list[tuple[int, str]], unpad: bool, limit: int, chunk: int, digest: bool
) -> None:
    text = pybase64.b64encode(payload).decode()
    if unpad:
        text = text.rstrip("=")
    for at, extra in noise:
        text = text[:at] + extra + text[at:]
    limits = Limits(max_attachment_bytes=limit)

    def sink() -> Any:
        return DigestSink() if digest else MemorySink()

    whole = _decoded(lambda: decode_text(text, sink(), limits))
    # What decode_text did before its fast path: the whole text fed at once, then closed.
    assert whole == _decoded(lambda: _streamed(text, sink(), limits, max(1, len(text))))
    if not isinstance(whole[0], type):  # decoded: fed in chunks, the same bytes come out
        assert whole == _decoded(lambda: _streamed(text, sink(), limits, chunk))


@pytest.mark.parametrize(
    "payload", [b"", b"P", b"PK\x03\x04 a zip, or so it starts", b"%PDF-1.4\n" + bytes(range(256))]
)
def test_whole_text_decoding_matches_streaming_at_the_edges(payload: bytes) -> None:
    for text in (pybase64.b64encode(payload).decode(), "\n".join(pybase64.b64encode(payload).decode())):
        whole = _decoded(lambda text=text: decode_text(text, MemorySink(), DEFAULT_LIMITS))  # type: ignore[misc]
        assert whole == _decoded(lambda text=text: _streamed(text, MemorySink(), DEFAULT_LIMITS, 5))  # type: ignore[misc]


def test_memory_content_computes_its_digest_when_asked() -> None:
    data = b"%PDF-1.4 lazily hashed"
    content = BytesContent(data)
    assert content.sha256 == hashlib.sha256(data).hexdigest()
    assert content == BytesContent(data, sha256=hashlib.sha256(data).hexdigest())
    assert hash(content) == hash(BytesContent(data))
    assert content.read_bytes() == data
    assert io.BytesIO(data).read() == content.open().read()


# -- frozen values built without __init__ -------------------------------------------------------

MODEL_CLASSES = [
    cls for cls in vars(_model).values() if isinstance(cls, type) and dataclasses.is_dataclass(cls)
]


def test_every_model_value_gets_a_fast_constructor() -> None:
    for cls in MODEL_CLASSES:
        assert fast_constructor(cls) is not cls, cls


def test_fast_constructors_build_the_same_frozen_values() -> None:
    organization = fast_constructor(_model.Organization)("000.00.00.G22", organ_name="VPCP")
    assert organization == _model.Organization("000.00.00.G22", organ_name="VPCP")
    assert type(organization) is _model.Organization
    assert repr(organization) == repr(_model.Organization("000.00.00.G22", organ_name="VPCP"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        organization.organ_id = "x"  # type: ignore[misc]
    assert dataclasses.replace(organization, email="a@b.vn").email == "a@b.vn"
    header = fast_constructor(_model.DocumentType)(type=1, type_detail=None, type_name="Công văn")
    assert header == _model.DocumentType(1, None, "Công văn")
    for package in (full_document(), status(StatusCode.RECEIVED)):
        for value in _values(package):
            cls = type(value)
            copy = fast_constructor(cls)(
                **{f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
            )
            assert copy == value and type(copy) is cls and hash(copy) == hash(value)


def _values(value: object) -> list[Any]:
    found: list[Any] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.append(value)
        for field in dataclasses.fields(value):
            found.extend(_values(getattr(value, field.name)))
    elif isinstance(value, tuple):
        for item in value:
            found.extend(_values(item))
    return found


def test_without_the_c_slot_store_values_come_from_a_twin_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fastnew, "slot_offsets", None)
    make = fast_constructor(_model.Organization)
    assert "__twin" in make.__globals__ and "__filled" not in make.__globals__
    organization = make("000.00.00.G22", email="vp@chinhphu.vn")
    assert organization == _model.Organization("000.00.00.G22", email="vp@chinhphu.vn")
    assert type(organization) is _model.Organization
    with pytest.raises(dataclasses.FrozenInstanceError):
        organization.email = None  # type: ignore[misc]


def test_classes_it_cannot_mirror_keep_their_own_constructor() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError(self.value)

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        value: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        values: list[int] = dataclasses.field(default_factory=list)

    for cls in (Checked, Unslotted, Factory):
        assert fast_constructor(cls) is cls


# -- cached dates ------------------------------------------------------------------------------


def test_cached_dates_read_as_the_plain_parsers_do() -> None:
    for text in ("2025/09/30", "30/09/2025", "2025-09-30", "2025/9/3 8:05"):
        assert read_date(text) == parse_date(text)
        assert read_timestamp(text) == parse_timestamp(text)
    assert read_date("2025/09/30") is read_date("2025/09/30")
    for bad in ("2025/02/30", "tomorrow", "9" * 64):
        for read, parse in ((read_date, parse_date), (read_timestamp, parse_timestamp)):
            with pytest.raises((DateFormatError, ImpossibleDateError)) as cached:
                read(bad)
            with pytest.raises((DateFormatError, ImpossibleDateError)) as plain:
                parse(bad)
            assert type(cached.value) is type(plain.value)
    assert read_date("2025-09-30T08:00:00." + "0" * 64) == date(2025, 9, 30)
