"""Write the hostile and broken packages of ``tests/data/hostile/`` from the canonical samples.

Run ``python tests/data/make_hostile.py`` after ``samples/make_samples.py``. Only the standard
library is used and the output is the same on every run (the zip bomb's deflate stream is
zlib's own; a zlib that compresses differently would change that one file). Each file is a
small edit of ``samples/document-canonical.edxml`` or ``samples/status-01.edxml``, so that it
is wrong in one way only. ``tests/data/README.md`` says what each contains and what a reader
must do with it.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
SAMPLES: Final = HERE.parent.parent / "samples"
OUT: Final = HERE / "hostile"

NS: Final = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DECLARATION: Final = '<?xml version="1.0" encoding="UTF-8"?>\n'

#: The zip bomb's single entry inflates to this many bytes (1 GiB of zeros).
BOMB_SIZE: Final = 1 << 30
_BOMB_CHUNK: Final = 1 << 20
#: Levels of nesting in deep-nesting.edxml; libxml2 stops at 256 unless told otherwise.
DEPTH: Final = 10_000


def once(text: str, old: str, new: str) -> str:
    """``text`` with its only occurrence of ``old`` replaced: a sample change fails loudly."""
    count = text.count(old)
    if count != 1:
        raise ValueError(f"expected {old!r} once in the sample, found it {count} times")
    return text.replace(old, new)


def element(text: str, tag: str) -> str:
    """The only ``<tag …>…</tag>`` in ``text``, with its indentation and leading line end."""
    matches = re.findall(rf"\n *<{tag}(?:\s[^>]*)?>.*?</{tag}>", text, flags=re.DOTALL)
    if len(matches) != 1:
        raise ValueError(f"expected one <{tag}> in the sample, found {len(matches)}")
    found: str = matches[0]
    return found


def with_doctype(text: str, subset: str) -> str:
    return once(text, DECLARATION, f"{DECLARATION}<!DOCTYPE edXML [\n{subset}]>\n")


def with_subject(text: str, value: str) -> str:
    old = element(text, "edXML:Subject")
    return once(text, old, re.sub(r">.*<", lambda _: f">{value}<", old, flags=re.DOTALL))


def encoded_text(text: str) -> str:
    """The base64 text of the sample's only attachment."""
    match = re.search(r"<ContentTransferEncoded>([^<]*)</ContentTransferEncoded>", text)
    if match is None:
        raise ValueError("the sample has no attachment")
    return match.group(1)


def attachment_block(text: str) -> str:
    """The sample's only ``<Attachment>`` element, indented, with its leading line end."""
    return element(text, "Attachment")


# --------------------------------------------------------------------------- unsafe XML


def xxe_file(doc: str) -> str:
    text = with_doctype(doc, '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n')
    return with_subject(text, "&xxe;")


def xxe_network(doc: str) -> str:
    subset = (
        '  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd">\n'
        "  %remote;\n"
        '  <!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">\n'
    )
    return with_subject(with_doctype(doc, subset), "&xxe;")


def billion_laughs(doc: str) -> str:
    lines = ['  <!ENTITY lol0 "lol">\n']
    for level in range(1, 10):
        lines.append(f'  <!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">\n')
    return with_subject(with_doctype(doc, "".join(lines)), "&lol9;")


def quadratic_blowup(doc: str) -> str:
    # 20,000 references to a 20,000-character entity: 400 MB of text from an 80 kB file.
    text = with_doctype(doc, f'  <!ENTITY a "{"a" * 20_000}">\n')
    return with_subject(text, "&a;" * 20_000)


def dtd_only(doc: str) -> str:
    return once(doc, DECLARATION, f"{DECLARATION}<!DOCTYPE edXML>\n")


def deep_nesting(doc: str) -> str:
    # A vendor element (unknown name; the root's default namespace puts it in edXML's) nested
    # DEPTH levels deep, after the last standard element of the header.
    places = element(doc, "edXML:ToPlaces")
    nested = "<v>" * DEPTH + "</v>" * DEPTH
    return once(doc, places, places + "\n        " + nested)


def _dos_time(year: int, month: int, day: int, hour: int, minute: int, second: int) -> tuple[int, int]:
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def zip_bomb_archive(name: str) -> bytes:
    """A zip whose one entry, ``name``, inflates to BOMB_SIZE zero bytes.

    Deflated chunk by chunk with ``zlib.compressobj``, so at most one megabyte of the entry is
    ever in memory; the archive is written by hand (local header, data, central directory).
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(_BOMB_CHUNK)
    crc = 0
    parts = []
    for _ in range(BOMB_SIZE // _BOMB_CHUNK):
        parts.append(compressor.compress(zeros))
        crc = zlib.crc32(zeros, crc)
    parts.append(compressor.flush())
    data = b"".join(parts)
    encoded_name = name.encode("utf-8")
    flags = 0x0800  # file name in UTF-8
    time, day = _dos_time(2025, 9, 30, 14, 25, 2)
    common = struct.pack("<HHHHHIII", 20, flags, 8, time, day, crc, len(data), BOMB_SIZE)
    local = struct.pack("<I", 0x04034B50) + common + struct.pack("<HH", len(encoded_name), 0) + encoded_name
    central = (
        struct.pack("<IH", 0x02014B50, 20)
        + common
        + struct.pack("<HHHHHII", len(encoded_name), 0, 0, 0, 0, 0, 0)
        + encoded_name
    )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end


def zip_bomb(doc: str) -> str:
    name_match = re.search(r"<AttachmentName>([^<]*)</AttachmentName>", doc)
    if name_match is None:
        raise ValueError("the sample has no attachment name")
    archive = zip_bomb_archive(name_match.group(1))
    return once(doc, encoded_text(doc), base64.b64encode(archive).decode("ascii"))


# ---------------------------------------------------------------------- malformed XML


def truncated(doc: str) -> bytes:
    data = doc.encode("utf-8")
    cut = len(data) // 2
    while data[cut] & 0xC0 == 0x80:  # never split a UTF-8 sequence: the cut is the only fault
        cut -= 1
    return data[:cut]


def not_xml(doc: str) -> bytes:
    return base64.b64decode(encoded_text(doc))  # the attached PDF, sent instead of the package


# ------------------------------------------------------------------ structure (schema)


def wrong_namespace(doc: str) -> str:
    # A near miss: https instead of http. The envelope keeps the right namespace.
    return once(doc, f'<edXML xmlns="{NS}">', f'<edXML xmlns="{NS.replace("http:", "https:")}">')


def no_namespace(doc: str) -> str:
    text = once(doc, f'<edXML xmlns="{NS}">', "<edXML>")
    text = once(text, f' xmlns:edXML="{NS}"', "")
    return text.replace("<edXML:", "<").replace("</edXML:", "</")


def missing_from(doc: str) -> str:
    return once(doc, element(doc, "edXML:From"), "")


# ---------------------------------------------------------------------- content (semantics)


def malformed_code(doc: str) -> str:
    old = element(doc, "edXML:From")
    return once(doc, old, once(old, "<edXML:OrganId>000.00.00.G22<", "<edXML:OrganId>28.22.H17<"))


def unknown_status(status: str) -> str:
    return once(status, "<edXML:StatusCode>01</edXML:StatusCode>", "<edXML:StatusCode>07</edXML:StatusCode>")


def _extra_reference(doc: str, content_id: str, name: str) -> str:
    reference = element(doc, "edXML:Reference")
    extra = reference.replace('"cid:1"', f'"cid:{content_id}"').replace(">cid:1<", f">cid:{content_id}<")
    extra = re.sub(r"<edXML:AttachmentName>[^<]*<", f"<edXML:AttachmentName>{name}<", extra)
    return once(doc, reference, reference + extra)


def _extra_attachment(doc: str, content_id: str, name: str) -> str:
    attachment = attachment_block(doc)
    extra = once(attachment, "<ContentId>1<", f"<ContentId>{content_id}<")
    extra = re.sub(r"<AttachmentName>[^<]*<", f"<AttachmentName>{name}<", extra)
    return once(doc, attachment, attachment + extra)


def manifest_missing_attachment(doc: str) -> str:
    return _extra_reference(doc, "2", "Phu-luc.pdf")


def attachment_not_in_manifest(doc: str) -> str:
    return _extra_attachment(doc, "2", "Phu-luc.pdf")


def duplicate_content_id(doc: str) -> str:
    text = _extra_reference(doc, "1", "7816-VPCP-TTĐT-ban-sao.pdf")
    return _extra_attachment(text, "1", "7816-VPCP-TTĐT-ban-sao.pdf")


def invalid_base64(doc: str) -> str:
    # Four characters outside the base64 alphabet in the middle; the length stays a multiple of
    # four, so only a decoder that checks the alphabet notices (b64decode's default does not).
    text = encoded_text(doc)
    middle = len(text) // 2 - (len(text) // 2) % 4
    return once(doc, text, text[:middle] + "!*?$" + text[middle + 4 :])


def impossible_date(doc: str) -> str:
    return once(
        doc,
        "<edXML:PromulgationDate>2025/09/30</edXML:PromulgationDate>",
        "<edXML:PromulgationDate>2025/02/30</edXML:PromulgationDate>",
    )


# ------------------------------------------------------------------------------ main

Maker = Callable[[str], str | bytes]

DOCUMENT_CASES: Final[dict[str, Maker]] = {
    "xxe-file.edxml": xxe_file,
    "xxe-network.edxml": xxe_network,
    "billion-laughs.edxml": billion_laughs,
    "quadratic-blowup.edxml": quadratic_blowup,
    "dtd-only.edxml": dtd_only,
    "truncated.edxml": truncated,
    "wrong-namespace.edxml": wrong_namespace,
    "no-namespace.edxml": no_namespace,
    "missing-from.edxml": missing_from,
    "malformed-code.edxml": malformed_code,
    "manifest-missing-attachment.edxml": manifest_missing_attachment,
    "attachment-not-in-manifest.edxml": attachment_not_in_manifest,
    "duplicate-content-id.edxml": duplicate_content_id,
    "invalid-base64.edxml": invalid_base64,
    "impossible-date.edxml": impossible_date,
    "not-xml.edxml": not_xml,
    "deep-nesting.edxml": deep_nesting,
    "zip-bomb.edxml": zip_bomb,
}
STATUS_CASES: Final[dict[str, Maker]] = {"unknown-status.edxml": unknown_status}


def hostile_files() -> dict[str, bytes]:
    """File name → bytes of every hostile package."""
    document = (SAMPLES / "document-canonical.edxml").read_text(encoding="utf-8")
    status = (SAMPLES / "status-01.edxml").read_text(encoding="utf-8")
    files: dict[str, bytes] = {"empty.edxml": b""}
    for cases, source in ((DOCUMENT_CASES, document), (STATUS_CASES, status)):
        for name, make in cases.items():
            made = make(source)
            files[name] = made.encode("utf-8") if isinstance(made, str) else made
    return dict(sorted(files.items()))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in hostile_files().items():
        (OUT / name).write_bytes(data)
        print(f"hostile/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
