"""Write the sample edXML packages in ``samples/`` and the vendor variants in ``tests/data/vendor/``.

Run ``python samples/make_samples.py`` from anywhere. Only the standard library is used. The
output is the same on every run: dates are fixed, content ids are literals, the PDFs carry no
time of generation, and the one zip is built with a fixed entry date. (Deflate output is
zlib's: a zlib that compresses differently, such as zlib-ng, would change the zipped sample.)

Each package is written as text, not through an XML library, because the point of the samples
is the exact form other writers use: prefixes, element order, empty-element style, line ends,
indentation, a byte-order mark. ``samples/README.md`` says what each file shows.
"""

from __future__ import annotations

import base64
import hashlib
import io
import textwrap
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

NS: Final = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK: Final = "http://www.w3.org/1999/xlink"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
XSD: Final = "http://www.w3.org/2001/XMLSchema"

HERE: Final = Path(__file__).resolve().parent
VENDOR_DIR: Final = HERE.parent / "tests" / "data" / "vendor"


# ----------------------------------------------------------------------------- PDF files


def ascii_fold(text: str) -> str:
    """Vietnamese text without diacritics, for the PDF's standard Helvetica font."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("ascii") + b")"


def make_pdf(title: str, lines: Sequence[str], *, created: datetime) -> bytes:
    """A valid one-page PDF 1.4 showing ``lines``, with ``title`` (Vietnamese) in its Info."""
    text = [b"BT", b"/F1 11 Tf", b"15 TL", b"72 770 Td"]
    for line in lines:
        for part in textwrap.wrap(ascii_fold(line), 80) or [""]:
            text.append((b"T* " if len(text) > 4 else b"") + _pdf_string(part) + b" Tj")
    text.append(b"ET")
    stream = b"\n".join(text)
    stamp = created.strftime("D:%Y%m%d%H%M%S+07'00'").encode("ascii")
    title_hex = ("FEFF" + title.encode("utf-16-be").hex().upper()).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title <" + title_hex + b"> /Producer (lienthong samples)"
        b" /CreationDate (" + stamp + b") /ModDate (" + stamp + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    file_id = hashlib.md5(bytes(out), usedforsecurity=False).hexdigest().upper().encode("ascii")
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R" % (len(objects) + 1)
    out += b" /ID [<" + file_id + b"> <" + file_id + b">] >>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def zip_one(name: str, data: bytes, *, when: tuple[int, int, int, int, int, int]) -> bytes:
    """A zip archive holding ``data`` as its only entry, deflated, dated ``when``."""
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 0
    info.external_attr = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


# ------------------------------------------------------------------- a tiny XML writer


@dataclass(frozen=True, slots=True)
class E:
    """An element: a local name (or an already prefixed ``p:name``), text or children."""

    name: str
    text: str | None = None
    children: tuple[E, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()


Child = E | None


def leaf(name: str, value: str | int | bool | None) -> E | None:
    """A text element, or nothing when ``value`` is None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return E(name, "true" if value else "false")
    return E(name, str(value))


def group(name: str, *children: Child, attrs: tuple[tuple[str, str], ...] = ()) -> E:
    return E(name, children=tuple(c for c in children if c is not None), attrs=attrs)


@dataclass(frozen=True, slots=True)
class Style:
    """How a writer lays out its XML."""

    indent: str = "  "
    newline: str = "\n"
    empty: str = "/>"


CANONICAL: Final = Style()
DOTNET: Final = Style(newline="\r\n", empty=" />")
JAVA: Final = Style(indent="    ")


def render(node: E, *, prefix: str, depth: int, style: Style) -> str:
    tag = node.name if ":" in node.name else prefix + node.name
    attrs = "".join(f' {key}="{escape(value, {chr(34): "&quot;"})}"' for key, value in node.attrs)
    if node.children:
        inner = "".join(
            style.newline
            + style.indent * (depth + 1)
            + render(child, prefix=prefix, depth=depth + 1, style=style)
            for child in node.children
        )
        return f"<{tag}{attrs}>{inner}{style.newline}{style.indent * depth}</{tag}>"
    if node.text is None:
        return f"<{tag}{attrs}{style.empty}"
    return f"<{tag}{attrs}>{escape(node.text)}</{tag}>"


def package_text(
    *,
    declaration: str,
    root: str,
    envelope: E,
    attachments: E | None,
    style: Style,
    envelope_prefix: str = "edXML:",
    attachment_prefix: str = "",
) -> str:
    """The whole package: declaration, root start tag, envelope, attachments, root end tag."""
    name = root[1:].split(maxsplit=1)[0].rstrip(">")
    parts = [declaration, style.newline, root, style.newline, style.indent]
    parts.append(render(envelope, prefix=envelope_prefix, depth=1, style=style))
    if attachments is not None:
        parts += [style.newline, style.indent]
        parts.append(render(attachments, prefix=attachment_prefix, depth=1, style=style))
    parts += [style.newline, f"</{name}>", style.newline]
    return "".join(parts)


# ------------------------------------------------------------------------------ the data


@dataclass(frozen=True, slots=True)
class Agency:
    code: str
    name: str
    in_charge: str | None = None
    address: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


# Contact details are illustrative; codes and names are the real ones.
VPCP: Final = Agency(
    "000.00.00.G22",
    "Văn phòng Chính phủ",
    in_charge="Chính phủ",
    address="Số 1 Hoàng Hoa Thám, Hà Nội",
    email="vanthu@chinhphu.vn",
    telephone="024 0000 0022",
    fax="024 0000 1022",
    website="https://vpcp.chinhphu.vn",
)
BNV: Final = Agency(
    "000.00.00.G09",
    "Bộ Nội vụ",
    in_charge="Chính phủ",
    address="Số 8 Tôn Thất Thuyết, Hà Nội",
    email="vanthu@moha.gov.vn",
    telephone="024 0000 0009",
    fax="024 0000 1009",
    website="https://moha.gov.vn",
)
UBND_HN: Final = Agency(
    "000.00.00.H26",
    "UBND thành phố Hà Nội",
    in_charge="Chính phủ",
    address="Số 12 Lê Lai, Hà Nội",
    email="vanthu@hanoi.gov.vn",
    telephone="024 0000 0026",
    fax="024 0000 1026",
    website="https://hanoi.gov.vn",
)
SNV_HN: Final = Agency(
    "000.00.12.H26",
    "Sở Nội vụ thành phố Hà Nội",
    in_charge="UBND thành phố Hà Nội",
    address="Số 18B Lê Thánh Tông, Hà Nội",
    email="sonoivu@hanoi.gov.vn",
    telephone="024 0000 1226",
    website="https://sonoivu.hanoi.gov.vn",
)
UBND_HCM: Final = Agency("000.00.00.H29", "UBND Thành phố Hồ Chí Minh", in_charge="Chính phủ")


@dataclass(frozen=True, slots=True)
class Staff:
    department: str
    name: str
    email: str
    mobile: str


STAFF_VPCP: Final = Staff("Vụ Hành chính", "Trần Thị Bình", "ttbinh@chinhphu.vn", "0900 000 221")
STAFF_BNV: Final = Staff("Văn phòng Bộ", "Lê Minh Châu", "lmchau@moha.gov.vn", "0900 000 091")
STAFF_HN: Final = Staff("Văn phòng UBND Thành phố", "Phạm Quốc Dũng", "pqdung@hanoi.gov.vn", "0900 000 261")
STAFF_SNV: Final = Staff("Văn phòng Sở", "Đỗ Thị Hồng", "dthong@hanoi.gov.vn", "0900 001 226")


@dataclass(frozen=True, slots=True)
class File:
    """An attachment: ``content_id`` without ``cid:``; ``zipped`` wraps the file in a zip."""

    content_id: str
    name: str
    description: str
    data: bytes
    content_type: str = "application/pdf"
    zipped: bool = False


@dataclass(frozen=True, slots=True)
class Earlier:
    """A document referred to: answered (ResponseFor) or acted on (Bussiness)."""

    organ_id: str
    number: str
    notation: str
    promulgated: date

    @property
    def code(self) -> str:
        return f"{self.number}/{self.notation}"

    @property
    def document_id(self) -> str:
        return f"{self.organ_id},{self.promulgated:%Y/%m/%d},{self.code}"


@dataclass(frozen=True, slots=True)
class Business:
    doc_type: int = 0
    document_id: str | None = None
    reason: str | None = None
    paper: int = 0
    info: E | None = None
    replacements: E | None = None


@dataclass(frozen=True, slots=True)
class Document:
    sender: Agency
    recipients: tuple[Agency, ...]
    number: str
    notation: str
    promulgated: date
    type_name: str
    subject: str
    competence: str
    position: str
    signer: str
    sent: datetime
    staff: Staff
    place: str = "Hà Nội"
    type: int = 1
    type_detail: int = 1
    content: str | None = None
    due: date | None = None
    other: OtherInfo | None = None
    response_for: tuple[Earlier, ...] = ()
    steering: int = 0
    to_places: tuple[str, ...] = ()
    business: Business = field(default_factory=Business)
    files: tuple[File, ...] = ()
    document_id: str | None = None

    @property
    def identifier(self) -> str:
        if self.document_id is not None:
            return self.document_id
        return Earlier(self.sender.code, self.number, self.notation, self.promulgated).document_id


@dataclass(frozen=True, slots=True)
class OtherInfo:
    priority: int | None = None
    sphere: str | None = None
    typer: str | None = None
    copies: int | None = None
    pages: int | None = None
    reply_fors: str | None = None
    direction: bool | None = None
    reference_codes: str | None = None
    appendixes: tuple[str, ...] = ()


DateFormat = Callable[[date], str]
StampFormat = Callable[[datetime], str]


def ymd(value: date) -> str:
    return f"{value:%Y/%m/%d}"


def dmy(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def ymd_hms(value: datetime) -> str:
    return f"{value:%Y/%m/%d %H:%M:%S}"


def dmy_hms(value: datetime) -> str:
    return f"{value:%d/%m/%Y %H:%M:%S}"


# --------------------------------------------------------------------- element builders


def organization(tag: str, agency: Agency, *, extra: Sequence[E] = (), empty: bool = False) -> E:
    """From or To; with ``empty``, absent fields are written as empty elements, as .NET does."""

    def part(name: str, value: str | None) -> E | None:
        if value is None:
            return E(name) if empty else None
        return E(name, value)

    return group(
        tag,
        part("OrganId", agency.code),
        part("OrganizationInCharge", agency.in_charge),
        part("OrganName", agency.name),
        part("OrganAdd", agency.address),
        part("Email", agency.email),
        part("Telephone", agency.telephone),
        part("Fax", agency.fax),
        part("Website", agency.website),
        *extra,
    )


def staff_info(staff: Staff, *, mobile_first: bool = False) -> E:
    contact = [leaf("Email", staff.email), leaf("Mobile", staff.mobile)]
    if mobile_first:
        contact.reverse()
    return group("StaffInfo", leaf("Department", staff.department), leaf("Staff", staff.name), *contact)


def other_info(other: OtherInfo) -> E:
    appendixes = (
        group("Appendixes", *(leaf("Appendix", a) for a in other.appendixes)) if other.appendixes else None
    )
    return group(
        "OtherInfo",
        leaf("Priority", other.priority),
        leaf("SphereOfPromulgation", other.sphere),
        leaf("TyperNotation", other.typer),
        leaf("PromulgationAmount", other.copies),
        leaf("PageAmount", other.pages),
        leaf("ReplyFors", other.reply_fors),
        leaf("Direction", other.direction),
        leaf("ReferenceCodes", other.reference_codes),
        appendixes,
    )


def response_for(earlier: Earlier, fmt: DateFormat, *, status: bool) -> E:
    """The status header writes the date before the id, the document header after it."""
    dated = [leaf("DocumentId", earlier.document_id), leaf("PromulgationDate", fmt(earlier.promulgated))]
    if status:
        dated.reverse()
    return group("ResponseFor", leaf("OrganId", earlier.organ_id), leaf("Code", earlier.code), *dated)


def to_places(places: Sequence[str]) -> E | None:
    return group("ToPlaces", *(leaf("Place", p) for p in places)) if places else None


def business_block(doc: Document, *, spelling: str = "Bussiness") -> E:
    b = doc.business
    return group(
        spelling,
        leaf("DocumentId", b.document_id),
        leaf(f"{spelling}DocType", b.doc_type),
        leaf(f"{spelling}DocReason", b.reason),
        leaf("Paper", b.paper),
        b.info,
        b.replacements,
        staff_info(doc.staff),
    )


def encoded(file: File, *, zip_date: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)) -> str:
    data = zip_one(file.name, file.data, when=zip_date) if file.zipped else file.data
    return base64.b64encode(data).decode("ascii")


def canonical_header(doc: Document, fmt: DateFormat = ymd) -> E:
    """The document MessageHeader in the standard's order, as lienthong writes it."""
    return group(
        "MessageHeader",
        organization("From", doc.sender),
        *(organization("To", r) for r in doc.recipients),
        leaf("DocumentId", doc.identifier),
        group("Code", leaf("CodeNumber", doc.number), leaf("CodeNotation", doc.notation)),
        group("PromulgationInfo", leaf("Place", doc.place), leaf("PromulgationDate", fmt(doc.promulgated))),
        group(
            "DocumentType",
            leaf("Type", doc.type),
            leaf("TypeDetail", doc.type_detail),
            leaf("TypeName", doc.type_name),
        ),
        leaf("Subject", doc.subject),
        leaf("Content", doc.content),
        group(
            "SignerInfo",
            leaf("Competence", doc.competence),
            leaf("Position", doc.position),
            leaf("FullName", doc.signer),
        ),
        leaf("DueDate", fmt(doc.due)) if doc.due else None,
        other_info(doc.other) if doc.other else None,
        *(response_for(r, fmt, status=False) for r in doc.response_for),
        leaf("SteeringType", doc.steering),
        to_places(doc.to_places),
    )


def canonical_document(doc: Document) -> str:
    """A document package exactly as lienthong's writer emits it."""
    header = group(
        "edXMLHeader",
        canonical_header(doc),
        group(
            "TraceHeaderList",
            group("TraceHeader", leaf("OrganId", doc.sender.code), leaf("Timestamp", ymd_hms(doc.sent))),
            business_block(doc),
        ),
    )
    references = tuple(
        group(
            "Reference",
            leaf("ContentId", "cid:" + f.content_id),
            leaf("ContentType", f.content_type),
            leaf("Description", f.description),
            leaf("AttachmentName", f.name),
            attrs=(("xlink:href", "cid:" + f.content_id),),
        )
        for f in doc.files
    )
    body = group(
        "edXMLBody", group("edXMLManifest", *references, attrs=(("xmlns:xlink", XLINK), ("version", "1.0")))
    )
    envelope = group("edXMLEnvelope", header, body, attrs=(("xmlns:edXML", NS),))
    attachments = (
        group(
            "AttachmentEncoded",
            *(
                group(
                    "Attachment",
                    leaf("ContentId", f.content_id),
                    leaf("AttachmentName", f.name),
                    leaf("Description", f.description),
                    leaf("ContentType", f.content_type),
                    leaf("ContentTransferEncoded", encoded(f)),
                )
                for f in doc.files
            ),
        )
        if doc.files
        else None
    )
    return package_text(
        declaration='<?xml version="1.0" encoding="UTF-8"?>',
        root=f'<edXML xmlns="{NS}">',
        envelope=envelope,
        attachments=attachments,
        style=CANONICAL,
    )


# ------------------------------------------------------------------------ the documents

CANONICAL_DOC: Final = Earlier("000.00.00.G22", "7816", "VPCP-TTĐT", date(2025, 9, 30))
BNV_REQUEST: Final = Earlier("000.00.00.G09", "1234", "BNV-VP", date(2025, 9, 15))

_SUBJECT: Final = "V/v triển khai kết nối, gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia"
_CONTENT: Final = (
    "Thực hiện Quyết định số 28/2018/QĐ-TTg ngày 12/7/2018 của Thủ tướng Chính phủ về việc gửi, "
    "nhận văn bản điện tử giữa các cơ quan trong hệ thống hành chính nhà nước, Văn phòng Chính phủ "
    "đề nghị các cơ quan hoàn thành kết nối hệ thống quản lý văn bản và điều hành với Trục liên "
    "thông văn bản quốc gia trước ngày 15/10/2025."
)


def _pdf_for(doc: Document, heading: str, *, title: str | None = None) -> bytes:
    code = f"{doc.number}/{doc.notation}"
    lines = [
        doc.sender.name.upper(),
        f"So: {code}",
        f"{doc.place}, ngay {doc.promulgated.day} thang {doc.promulgated.month} nam {doc.promulgated.year}",
        "",
        heading,
        doc.subject,
        "",
        doc.content or "",
        "",
        doc.competence,
        doc.position,
        doc.signer,
    ]
    return make_pdf(title or f"{doc.type_name} số {code}", lines, created=doc.sent)


def _with_pdf(
    doc: Document, content_id: str, name: str, description: str, *, zipped: bool = False
) -> Document:
    pdf = File(content_id, name, description, _pdf_for(doc, doc.type_name.upper()), zipped=zipped)
    return replace(doc, files=(*doc.files, pdf))


def canonical_source() -> Document:
    doc = Document(
        sender=VPCP,
        recipients=(BNV, UBND_HN),
        number=CANONICAL_DOC.number,
        notation=CANONICAL_DOC.notation,
        promulgated=CANONICAL_DOC.promulgated,
        type_name="Công văn",
        subject=_SUBJECT,
        content=_CONTENT,
        competence="KT. BỘ TRƯỞNG, CHỦ NHIỆM",
        position="PHÓ CHỦ NHIỆM",
        signer="Nguyễn Văn An",
        sent=datetime(2025, 9, 30, 14, 25, 3),
        staff=STAFF_VPCP,
        due=date(2025, 10, 15),
        other=OtherInfo(
            priority=1,
            sphere="Toàn quốc",
            typer="TVH",
            copies=5,
            pages=2,
            reply_fors="Công văn số 1234/BNV-VP ngày 15/9/2025 của Bộ Nội vụ",
            direction=False,
            reference_codes="1234/BNV-VP",
            appendixes=("Phụ lục: Danh sách đầu mối kỹ thuật kết nối",),
        ),
        response_for=(BNV_REQUEST,),
        steering=1,
        to_places=(
            "Như trên;",
            "Thủ tướng Chính phủ (để b/c);",
            "VPCP: BTCN, các PCN;",
            "Lưu: VT, TTĐT (2b).",
        ),
    )
    return _with_pdf(doc, "1", "7816-VPCP-TTĐT.pdf", "Công văn số 7816/VPCP-TTĐT")


def recall_source() -> Document:
    return replace(
        canonical_source(),
        files=(),
        sent=datetime(2025, 10, 1, 8, 55, 0),
        business=Business(
            doc_type=1,
            document_id=CANONICAL_DOC.document_id,
            reason="Thu hồi do sai sót về thời hạn hoàn thành kết nối",
        ),
    )


def update_source() -> Document:
    receivers = group(
        "BussinessDocumentInfo",
        leaf("DocumentInfo", 1),
        leaf("DocumentReceiver", 1),
        group("ReceiverList", group("Receiver", leaf("OrganId", SNV_HN.code), leaf("ReceiverType", 1))),
    )
    doc = replace(
        canonical_source(),
        files=(),
        recipients=(BNV, UBND_HN, SNV_HN),
        due=date(2025, 10, 31),
        sent=datetime(2025, 10, 1, 10, 30, 0),
        business=Business(
            doc_type=2,
            document_id=CANONICAL_DOC.document_id,
            reason="Cập nhật thời hạn hoàn thành kết nối và bổ sung nơi nhận Sở Nội vụ thành phố Hà Nội",
            info=receivers,
        ),
    )
    return _with_pdf(doc, "1", "7816-VPCP-TTĐT-cap-nhat.pdf", "Công văn số 7816/VPCP-TTĐT (bản cập nhật)")


def replace_source() -> Document:
    replaced = group(
        "ReplacementInfoList",
        group(
            "ReplacementInfo",
            leaf("DocumentId", CANONICAL_DOC.document_id),
            group("OrganIdList", leaf("OrganId", BNV.code), leaf("OrganId", UBND_HN.code)),
        ),
    )
    doc = replace(
        canonical_source(),
        files=(),
        number="8012",
        promulgated=date(2025, 10, 6),
        subject=_SUBJECT + " (thay thế Công văn số 7816/VPCP-TTĐT ngày 30/9/2025)",
        sent=datetime(2025, 10, 6, 15, 10, 20),
        due=date(2025, 10, 31),
        response_for=(),
        business=Business(
            doc_type=3,
            document_id=CANONICAL_DOC.document_id,
            reason="Thay thế Công văn số 7816/VPCP-TTĐT ngày 30/9/2025 do thay đổi thời hạn hoàn thành",
            replacements=replaced,
        ),
    )
    return _with_pdf(doc, "1", "8012-VPCP-TTĐT.pdf", "Công văn số 8012/VPCP-TTĐT")


def csharp_source() -> Document:
    doc = Document(
        sender=BNV,
        recipients=(VPCP,),
        number=BNV_REQUEST.number,
        notation=BNV_REQUEST.notation,
        promulgated=BNV_REQUEST.promulgated,
        type_name="Công văn",
        subject="V/v đề nghị hướng dẫn kết nối hệ thống quản lý văn bản với Trục liên thông văn bản quốc gia",
        content=(
            "Bộ Nội vụ đề nghị Văn phòng Chính phủ hướng dẫn quy trình kết nối, thử nghiệm và cấp "
            "mã định danh cho các đơn vị trực thuộc Bộ."
        ),
        competence="TL. BỘ TRƯỞNG",
        position="CHÁNH VĂN PHÒNG",
        signer="Vũ Thị Lan",
        sent=datetime(2025, 9, 15, 16, 40, 12),
        staff=STAFF_BNV,
        due=date(2025, 9, 30),
        other=OtherInfo(
            priority=0, sphere="Liên thông văn bản quốc gia", typer="LMC", copies=3, pages=1, direction=False
        ),
        to_places=("Như trên;", "Bộ trưởng (để b/c);", "Lưu: VT, VP."),
    )
    return _with_pdf(
        doc, "7b0e3c52-4a1d-4f6e-9a2b-8c5d1e0f3a64", "1234-BNV-VP.pdf", "Công văn số 1234/BNV-VP"
    )


def business_spelling_source() -> Document:
    doc = Document(
        sender=SNV_HN,
        recipients=(BNV,),
        number="215",
        notation="BC-SNV",
        promulgated=date(2025, 10, 2),
        type_name="Báo cáo",
        type_detail=2,
        subject="Báo cáo kết quả triển khai gửi, nhận văn bản điện tử năm 2025",
        content=(
            "Sở Nội vụ thành phố Hà Nội báo cáo kết quả kết nối, gửi, nhận văn bản điện tử "
            "trên địa bàn Thành phố."
        ),
        competence="KT. GIÁM ĐỐC",
        position="PHÓ GIÁM ĐỐC",
        signer="Hoàng Thu Hà",
        sent=datetime(2025, 10, 2, 9, 15, 42),
        staff=STAFF_SNV,
        to_places=("Như trên;", "UBND Thành phố (để b/c);", "Lưu: VT, VP."),
    )
    return _with_pdf(doc, "1", "215-BC-SNV.pdf", "Báo cáo số 215/BC-SNV", zipped=True)


# ------------------------------------------------------------------- the vendor writers


def csharp_document(doc: Document) -> str:
    """As the C# (VNPT) SDK's sample writes it, through .NET's XmlSerializer."""
    header = group(
        "MessageHeader",
        organization("From", replace(doc.sender, fax=None), empty=True),
        *(organization("To", Agency(r.code, r.name), empty=True) for r in doc.recipients),
        group("Code", leaf("CodeNumber", doc.number), leaf("CodeNotation", doc.notation)),
        group("PromulgationInfo", leaf("Place", doc.place), leaf("PromulgationDate", ymd(doc.promulgated))),
        group(
            "DocumentType",
            leaf("Type", doc.type),
            leaf("TypeName", doc.type_name),
            leaf("TypeDetail", doc.type_detail),
        ),
        leaf("Subject", doc.subject),
        leaf("Content", doc.content),
        group(
            "SignerInfo",
            leaf("Competence", doc.competence),
            leaf("Position", doc.position),
            leaf("FullName", doc.signer),
        ),
        leaf("DueDate", ymd(doc.due)) if doc.due else None,
        to_places(doc.to_places),
        other_info(doc.other) if doc.other else None,
        leaf("SteeringType", doc.steering),
        E("ResponseForTask"),
        leaf("ApplicationType", "QLVBDH"),
        leaf("DocumentId", doc.identifier),
    )
    business = group(
        "Bussiness",
        leaf("BussinessDocType", doc.business.doc_type),
        E("BussinessDocReason"),
        staff_info(doc.staff),
        leaf("Paper", doc.business.paper),
    )
    trace = group(
        "TraceHeaderList",
        group("TraceHeader", leaf("OrganId", doc.sender.code), leaf("Timestamp", ymd_hms(doc.sent))),
        business,
        attrs=(
            ("id", "TraceHeaderList"),
            ("version", "1.0"),
            ("mustUnderstand", "1"),
            ("actor", "urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"),
        ),
    )
    references = tuple(
        group(
            "Reference",
            leaf("ContentId", "cid:" + f.content_id),
            leaf("ContentType", f.content_type),
            leaf("Description", f.description),
            leaf("AttachmentName", f.name),
            attrs=(
                ("xmlns:xlink", XLINK),
                ("xlink:href", "cid:" + f.content_id),
                ("xlink:role", "XLinkRole"),
                ("xlink:type", "simple"),
            ),
        )
        for f in doc.files
    )
    envelope = group(
        "edXMLEnvelope",
        group("edXMLHeader", header, trace, E("DigitalSignature")),
        group("edXMLBody", group("edXMLManifest", *references, attrs=(("version", "1.0"),))),
        attrs=(("xmlns:edXML", NS),),
    )
    attachments = group(
        "AttachmentEncoded",
        *(
            group(
                "Attachment",
                leaf("ContentType", f.content_type),
                leaf("ContentId", f.content_id),
                leaf("Description", f.description),
                leaf("ContentTransferEncoded", encoded(f)),
                leaf("AttachmentName", f.name),
            )
            for f in doc.files
        ),
    )
    return package_text(
        declaration='<?xml version="1.0" encoding="utf-8"?>',
        root=f'<edXML xmlns:xsi="{XSI}" xmlns:xsd="{XSD}" xmlns="{NS}">',
        envelope=envelope,
        attachments=attachments,
        style=DOTNET,
    )


def business_spelling_document(doc: Document) -> str:
    """A Java (JAXB-style) writer: no prefixes, ``Business``, dd/MM/yyyy dates, zipped files."""
    header = canonical_header(doc, fmt=dmy)
    trace = group(
        "TraceHeaderList",
        group("TraceHeader", leaf("OrganId", doc.sender.code), leaf("Timestamp", dmy_hms(doc.sent))),
        business_block(doc, spelling="Business"),
    )
    references = tuple(
        group(
            "Reference",
            leaf("ContentId", "cid:" + f.content_id),
            leaf("ContentType", f.content_type),
            leaf("Description", f.description),
            leaf("AttachmentName", f.name),
        )
        for f in doc.files
    )
    when = (doc.sent.year, doc.sent.month, doc.sent.day, doc.sent.hour, doc.sent.minute, doc.sent.second)
    attachments = group(
        "AttachmentEncoded",
        *(
            group(
                "Attachment",
                leaf("ContentId", f.content_id),
                leaf("AttachmentName", f.name),
                leaf("Description", f.description),
                leaf("ContentType", f.content_type),
                leaf("ContentTransferEncoded", encoded(f, zip_date=when)),
            )
            for f in doc.files
        ),
    )
    envelope = group(
        "edXMLEnvelope",
        group("edXMLHeader", header, trace),
        group("edXMLBody", group("edXMLManifest", *references, attrs=(("version", "1.0"),))),
    )
    return package_text(
        declaration='<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        root=f'<edXML xmlns="{NS}">',
        envelope=envelope,
        attachments=attachments,
        style=JAVA,
        envelope_prefix="",
    )


# ------------------------------------------------------------------------------ statuses


@dataclass(frozen=True, slots=True)
class Status:
    code: str
    reporter: Agency
    staff: Staff
    description: str
    when: datetime


STATUSES: Final = (
    Status(
        "01",
        BNV,
        STAFF_BNV,
        "Văn bản đã đến hệ thống quản lý văn bản và điều hành của Bộ Nội vụ.",
        datetime(2025, 9, 30, 14, 26, 10),
    ),
    Status(
        "02",
        UBND_HN,
        STAFF_HN,
        "Từ chối tiếp nhận: văn bản gửi nhầm đơn vị xử lý; "
        "đề nghị gửi Sở Nội vụ thành phố Hà Nội (000.00.12.H26).",
        datetime(2025, 9, 30, 15, 2, 47),
    ),
    Status("03", BNV, STAFF_BNV, "Đã vào sổ văn bản đến, số đến 4521.", datetime(2025, 9, 30, 15, 40, 5)),
    Status("04", BNV, STAFF_BNV, "Phân công Văn phòng Bộ chủ trì xử lý.", datetime(2025, 10, 1, 8, 30, 0)),
    Status(
        "05",
        BNV,
        STAFF_BNV,
        "Đang xử lý: Văn phòng Bộ đang tổng hợp ý kiến các đơn vị.",
        datetime(2025, 10, 3, 10, 12, 45),
    ),
    Status(
        "06",
        BNV,
        STAFF_BNV,
        "Hoàn thành: đã ban hành Công văn số 5678/BNV-VP ngày 10/10/2025 trả lời.",
        datetime(2025, 10, 10, 16, 5, 30),
    ),
    Status(
        "13",
        VPCP,
        STAFF_VPCP,
        "Yêu cầu thu hồi văn bản số 7816/VPCP-TTĐT do sai sót về thời hạn hoàn thành kết nối.",
        datetime(2025, 10, 1, 8, 50, 0),
    ),
    Status(
        "15", UBND_HN, STAFF_HN, "Đồng ý thu hồi văn bản số 7816/VPCP-TTĐT.", datetime(2025, 10, 1, 9, 20, 0)
    ),
    Status(
        "16",
        BNV,
        STAFF_BNV,
        "Từ chối thu hồi: văn bản đã được phân công xử lý và đang triển khai.",
        datetime(2025, 10, 1, 10, 5, 0),
    ),
)


def _status_from(agency: Agency) -> E:
    return group(
        "From",
        leaf("OrganId", agency.code),
        leaf("OrganName", agency.name),
        leaf("Email", agency.email),
        leaf("Telephone", agency.telephone),
    )


def canonical_status(status: Status) -> str:
    """A status package as lienthong's writer emits it."""
    header = group(
        "MessageHeader",
        _status_from(status.reporter),
        response_for(CANONICAL_DOC, ymd, status=True),
        staff_info(status.staff),
        leaf("StatusCode", status.code),
        leaf("Description", status.description),
        leaf("Timestamp", ymd_hms(status.when)),
    )
    envelope = group("edXMLEnvelope", group("edXMLHeader", header), attrs=(("xmlns:edXML", NS),))
    return package_text(
        declaration='<?xml version="1.0" encoding="UTF-8"?>',
        root=f'<edXML xmlns="{NS}">',
        envelope=envelope,
        attachments=None,
        style=CANONICAL,
    )


# ----------------------------------------------------------------- vendor test variants


def _prefixed_attachments_variant() -> bytes:
    """Root declares both namespaces; Attachment children prefixed; base64 in 76-column CRLF
    lines; CRLF line ends and a UTF-8 byte-order mark (.NET defaults)."""
    doc = Document(
        sender=UBND_HN,
        recipients=(VPCP,),
        number="4567",
        notation="UBND-KSTTHC",
        promulgated=date(2025, 9, 25),
        type_name="Công văn",
        subject="V/v báo cáo tình hình kết nối, liên thông văn bản điện tử trên địa bàn Thành phố",
        competence="TM. ỦY BAN NHÂN DÂN",
        position="KT. CHỦ TỊCH PHÓ CHỦ TỊCH",
        signer="Bùi Văn Khoa",
        sent=datetime(2025, 9, 25, 11, 3, 27),
        staff=STAFF_HN,
        to_places=("Như trên;", "Lưu: VT, KSTTHC."),
    )
    doc = _with_pdf(doc, "1", "4567-UBND-KSTTHC.pdf", "Công văn số 4567/UBND-KSTTHC")
    appendix = make_pdf(
        "Phụ lục kèm Công văn số 4567/UBND-KSTTHC",
        ["PHU LUC", "Danh sach don vi da ket noi Truc lien thong van ban quoc gia"],
        created=doc.sent,
    )
    doc = replace(doc, files=(*doc.files, File("2", "Phu-luc.pdf", "Phụ lục danh sách đơn vị", appendix)))

    def wrapped(f: File) -> str:
        lines = textwrap.wrap(encoded(f), 76)
        return "\r\n".join(lines)

    text = canonical_document(doc).replace("\n", "\r\n")
    start = text.index("  <AttachmentEncoded>")
    attachments = group(
        "AttachmentEncoded",
        *(
            group(
                "Attachment",
                leaf("edXML:ContentId", f.content_id),
                leaf("edXML:AttachmentName", f.name),
                leaf("edXML:Description", f.description),
                leaf("edXML:ContentType", f.content_type),
                leaf("edXML:ContentTransferEncoded", "@@" + f.content_id),
            )
            for f in doc.files
        ),
    )
    block = "  " + render(attachments, prefix="", depth=1, style=DOTNET) + "\r\n</edXML>\r\n"
    for f in doc.files:
        block = block.replace("@@" + f.content_id, wrapped(f))
    text = text[:start] + block
    text = text.replace(f'<edXML xmlns="{NS}">', f'<edXML xmlns="{NS}" xmlns:edXML="{NS}">', 1)
    text = text.replace(f'<edXML:edXMLEnvelope xmlns:edXML="{NS}">', "<edXML:edXMLEnvelope>", 1)
    return "\ufeff".encode() + text.encode("utf-8")


def _uuid_variant() -> bytes:
    """Root ``edXML:edXML`` with no default namespace (attachments in no namespace), a UUID
    DocumentId, Direction true, unknown vendor elements inside From, ``cid:`` on both ids."""
    doc = Document(
        sender=BNV,
        recipients=(UBND_HN, UBND_HCM),
        number="789",
        notation="QĐ-BNV",
        promulgated=date(2025, 9, 26),
        type_name="Quyết định",
        type_detail=3,
        subject="Quyết định về việc ban hành Quy chế gửi, nhận văn bản điện tử của Bộ Nội vụ",
        competence="KT. BỘ TRƯỞNG",
        position="THỨ TRƯỞNG",
        signer="Ngô Đức Minh",
        sent=datetime(2025, 9, 26, 17, 45, 0),
        staff=STAFF_BNV,
        other=OtherInfo(priority=2, direction=True, pages=4),
        steering=1,
        document_id="8b1f3f4e-2d0a-4c47-9a53-6f1c2b7d9e10",
    )
    doc = _with_pdf(doc, "cid:1", "789-QD-BNV.pdf", "Quyết định số 789/QĐ-BNV")
    text = canonical_document(replace(doc, files=()))
    vendor_from = organization(
        "From",
        doc.sender,
        extra=(
            E("OrganNameEn", "Ministry of Home Affairs"),
            E("qlvb:MaDonViNoiBo", "BNV-VP", attrs=(("xmlns:qlvb", "urn:example:qlvb:2024"),)),
        ),
    )
    old_from = render(organization("From", doc.sender), prefix="edXML:", depth=4, style=CANONICAL)
    new_from = render(vendor_from, prefix="edXML:", depth=4, style=CANONICAL)
    text = text.replace(old_from, new_from, 1)
    f = doc.files[0]
    manifest_empty = f'<edXML:edXMLManifest xmlns:xlink="{XLINK}" version="1.0"/>'
    reference = group(
        "edXMLManifest",
        group(
            "Reference",
            leaf("ContentId", f.content_id),
            leaf("ContentType", f.content_type),
            leaf("Description", f.description),
            leaf("AttachmentName", f.name),
            attrs=(("xlink:href", f.content_id),),
        ),
        attrs=(("xmlns:xlink", XLINK), ("version", "1.0")),
    )
    text = text.replace(manifest_empty, render(reference, prefix="edXML:", depth=3, style=CANONICAL), 1)
    attachments = group(
        "AttachmentEncoded",
        group(
            "Attachment",
            leaf("ContentId", f.content_id),
            leaf("AttachmentName", f.name),
            leaf("Description", f.description),
            leaf("ContentType", f.content_type),
            leaf("ContentTransferEncoded", encoded(f)),
        ),
    )
    text = text.replace(
        "\n</edXML>\n",
        "\n  " + render(attachments, prefix="", depth=1, style=CANONICAL) + "\n</edXML:edXML>\n",
        1,
    )
    text = text.replace(f'<edXML xmlns="{NS}">', f'<edXML:edXML xmlns:edXML="{NS}">', 1)
    text = text.replace(f'<edXML:edXMLEnvelope xmlns:edXML="{NS}">', "<edXML:edXMLEnvelope>", 1)
    return text.encode("utf-8")


def _status_vendor_variant() -> bytes:
    """Status 05 with no prefixes, ResponseFor in document order, StaffInfo last with Mobile
    before Email, and a dd/MM/yyyy HH:mm:ss timestamp."""
    header = group(
        "MessageHeader",
        _status_from(BNV),
        response_for(CANONICAL_DOC, ymd, status=False),
        leaf("StatusCode", "05"),
        leaf("Description", "Đang xử lý"),
        leaf("Timestamp", dmy_hms(datetime(2025, 10, 2, 14, 0, 0))),
        staff_info(STAFF_BNV, mobile_first=True),
    )
    envelope = group("edXMLEnvelope", group("edXMLHeader", header))
    text = package_text(
        declaration='<?xml version="1.0" encoding="UTF-8"?>',
        root=f'<edXML xmlns="{NS}">',
        envelope=envelope,
        attachments=None,
        style=JAVA,
        envelope_prefix="",
    )
    return text.encode("utf-8")


# --------------------------------------------------------------------------------- main


def _encode(text: str) -> bytes:
    if not unicodedata.is_normalized("NFC", text):
        raise ValueError("sample text must be NFC")
    return text.encode("utf-8")


def samples() -> dict[str, bytes]:
    """File name → bytes of every sample package."""
    files = {
        "document-canonical.edxml": _encode(canonical_document(canonical_source())),
        "document-vendor-csharp.edxml": _encode(csharp_document(csharp_source())),
        "document-business-spelling.edxml": _encode(business_spelling_document(business_spelling_source())),
        "document-recall.edxml": _encode(canonical_document(recall_source())),
        "document-update.edxml": _encode(canonical_document(update_source())),
        "document-replace.edxml": _encode(canonical_document(replace_source())),
    }
    for status in STATUSES:
        files[f"status-{status.code}.edxml"] = _encode(canonical_status(status))
    return files


def vendor_variants() -> dict[str, bytes]:
    """File name → bytes of the legal vendor variants for ``tests/data/vendor``."""
    return {
        "attachment-prefixed.edxml": _prefixed_attachments_variant(),
        "uuid-document-id.edxml": _uuid_variant(),
        "status-vendor-order.edxml": _status_vendor_variant(),
    }


def main() -> None:
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for directory, files in ((HERE, samples()), (VENDOR_DIR, vendor_variants())):
        for name, data in files.items():
            (directory / name).write_bytes(data)
            print(f"{directory.name}/{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
