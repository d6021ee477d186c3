"""Hostile and broken packages are refused with a reason naming what is wrong; nothing hangs."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from lienthong.edxml import (
    DEFAULT_LIMITS,
    DigestSink,
    StatusCode,
    check_package,
    parse_package,
    validate_package,
    write_package,
)
from lienthong.errors import (
    MalformedXML,
    PackageRejected,
    SchemaInvalid,
    SemanticInvalid,
    UnsafeXML,
)
from support.edxml_packages import PDF, STREAMING, full_document, status

GOOD = write_package(full_document())
GOOD_STATUS = write_package(status(StatusCode.RECEIVED))
NS = b"http://www.mic.gov.vn/TBT/QCVN_102_2016"


def _zip_bomb() -> bytes:
    """A one-file zip whose entry inflates to 1 GiB, built without ever holding 1 GiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1 << 20)
    deflated = b"".join(compressor.compress(block) for _ in range(1024)) + compressor.flush()
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(block, crc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("bomb.pdf", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, b"")  # placeholder entry, rewritten below by hand
    # Write the local header, data and central directory ourselves, declaring deflate.
    name = b"bomb.pdf"
    import struct

    local = (
        struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(deflated), 1 << 30, len(name), 0)
        + name
    )
    central = (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(deflated),
            1 << 30,
            len(name),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        + name
    )
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(deflated), 0)
    return local + deflated + central + end


def _with_attachment_text(text: bytes) -> bytes:
    start = GOOD.index(b"<ContentTransferEncoded>") + len(b"<ContentTransferEncoded>")
    end = GOOD.index(b"</ContentTransferEncoded>")
    return GOOD[:start] + text + GOOD[end:]


CASES: dict[str, tuple[bytes, type[PackageRejected], str]] = {
    "external-entity-file": (
        b'<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<edXML xmlns="' + NS + b'"><x>&xxe;</x></edXML>',
        UnsafeXML,
        "dtd-forbidden",
    ),
    "external-entity-network": (
        b'<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]><edXML xmlns="'
        + NS
        + b'">&xxe;</edXML>',
        UnsafeXML,
        "dtd-forbidden",
    ),
    "billion-laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b']><edXML xmlns="'
        + NS
        + b'">&lol9;</edXML>',
        UnsafeXML,
        "dtd-forbidden",
    ),
    "undeclared-entity": (
        b'<edXML xmlns="' + NS + b'">&nope;</edXML>',
        UnsafeXML,
        "entity-forbidden",
    ),
    "truncated": (GOOD[: len(GOOD) // 2], MalformedXML, "malformed-xml"),
    "empty": (b"", MalformedXML, "empty"),
    "blank": (b"  \n\t ", MalformedXML, "empty"),
    "not-xml": (PDF, MalformedXML, "malformed-xml"),
    "wrong-namespace": (GOOD.replace(NS, b"urn:other:namespace"), SchemaInvalid, "wrong-root"),
    "no-namespace": (b"<edXML><edXMLEnvelope/></edXML>", SchemaInvalid, "wrong-root"),
    "missing-from": (
        GOOD.replace(GOOD[GOOD.index(b"<edXML:From>") : GOOD.index(b"</edXML:From>") + 13], b""),
        SchemaInvalid,
        "element-missing",
    ),
    "unknown-status": (
        GOOD_STATUS.replace(b">01</edXML:StatusCode>", b">07</edXML:StatusCode>"),
        SemanticInvalid,
        "unknown-status",
    ),
    "invalid-base64": (
        _with_attachment_text(b"JVBERi0x$$$$not base64"),
        SemanticInvalid,
        "invalid-base64",
    ),
    "data-after-padding": (_with_attachment_text(b"QQ==QUJD"), SemanticInvalid, "invalid-base64"),
    "impossible-date": (
        GOOD.replace(b"2025/09/30</edXML:PromulgationDate>", b"2025/02/30</edXML:PromulgationDate>"),
        SemanticInvalid,
        "impossible-date",
    ),
    "malformed-date": (
        GOOD.replace(b"2025/10/15</edXML:DueDate>", b"mai</edXML:DueDate>"),
        SchemaInvalid,
        "bad-value",
    ),
    "deep-nesting": (
        b'<edXML xmlns="' + NS + b'">' + b"<a>" * 10_000 + b"</a>" * 10_000 + b"</edXML>",
        UnsafeXML,
        "xml-limit",
    ),
    "zip-bomb": (
        _with_attachment_text(base64.b64encode(_zip_bomb())),
        UnsafeXML,
        "attachment-too-large",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("streaming", [False, True], ids=["whole", "streamed"])
def test_hostile_package_is_refused_with_its_reason(case: str, streaming: bool) -> None:
    data, error, code = CASES[case]
    source: bytes | io.BytesIO = io.BytesIO(data) if streaming else data
    limits = STREAMING if streaming else DEFAULT_LIMITS
    with pytest.raises(error) as raised:
        parse_package(source, sink=DigestSink(), limits=limits)
    assert raised.value.code == code, str(raised.value)
    assert "\n" not in str(raised.value)


def test_refusal_names_the_element_and_its_line() -> None:
    data, _, _ = CASES["impossible-date"]
    with pytest.raises(SemanticInvalid) as raised:
        parse_package(data)
    assert raised.value.element == "PromulgationDate"
    assert raised.value.line == data[: data.index(b"2025/02/30")].count(b"\n") + 1
    data, _, _ = CASES["missing-from"]
    with pytest.raises(SchemaInvalid) as missing:
        parse_package(data)
    assert missing.value.element == "From" and missing.value.line is not None


def test_oversized_package_is_refused_before_it_is_read() -> None:
    from lienthong.edxml import Limits

    with pytest.raises(UnsafeXML) as raised:
        parse_package(io.BytesIO(GOOD), limits=Limits(max_package_bytes=1000, in_memory_bytes=100))
    assert raised.value.code == "package-too-large"


def test_manifest_naming_a_missing_attachment_is_an_error() -> None:
    package = parse_package(GOOD)
    from dataclasses import replace

    assert isinstance(package, type(full_document()))
    broken = replace(package, attachments=package.attachments[:1])
    problems = check_package(broken)
    assert [p.code for p in problems if p.severity == "error"] == ["attachment-missing"]
    with pytest.raises(SemanticInvalid, match="'2'"):
        validate_package(broken)
    unlisted = replace(package, manifest=package.manifest[:1])
    assert [p.code for p in check_package(unlisted) if p.severity == "error"] == ["attachment-unlisted"]
    repeated = replace(package, manifest=(*package.manifest, package.manifest[0]))
    assert "content-id-repeated" in [p.code for p in check_package(repeated)]


# --- the CLI: one line per file, exit 1, never a traceback ----------------------------------


def test_cli_refuses_every_hostile_file_in_one_line(tmp_path: Path) -> None:
    files = []
    for case, (data, _, _) in sorted(CASES.items()):
        path = tmp_path / f"{case}.edxml"
        path.write_bytes(data)
        files.append(str(path))
    good_path = tmp_path / "good.edxml"
    good_path.write_bytes(GOOD)
    good = str(good_path)
    result = subprocess.run(  # noqa: PLW1510 - the exit code is what is tested
        [sys.executable, "-m", "lienthong.cli", "edxml", "check", *files, good],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LIENTHONG_LANG": "en"},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(files) + 1
    assert lines[-1] == f"{good}: OK"
    for line, name in zip(lines, files, strict=False):
        assert line.startswith(f"{name}: ") and not line.endswith(": OK"), line
    assert "DTD" in lines[files.index(str(tmp_path / "billion-laughs.edxml"))]
    assert "PromulgationDate" in lines[files.index(str(tmp_path / "impossible-date.edxml"))]


def test_streamed_text_outside_attachments_is_bounded() -> None:
    from lienthong.edxml import Limits

    huge = GOOD.replace(b"<edXML:Subject>", b"<edXML:Subject>" + b"x" * 5000, 1)
    with pytest.raises(UnsafeXML) as raised:
        parse_package(io.BytesIO(huge), limits=Limits(in_memory_bytes=2048, max_text_bytes=4096))
    assert raised.value.code == "text-too-large"
