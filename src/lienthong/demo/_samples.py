"""The sample check: build, write, read and check a day's worth of packages (and `samples/`).

It makes realistic document and status packages with the builder, writes them, reads each one
back (whole and streamed), checks that the model survived and the bytes are stable, runs the
semantic checks, and does the same for every sample package shipped in ``samples/``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from lienthong.codes import default_registry
from lienthong.edxml import (
    VIETNAM_TZ,
    DocumentBuilder,
    Limits,
    Organization,
    Package,
    ResponseFor,
    Severity,
    StaffInfo,
    StatusCode,
    StatusPackage,
    check_package,
    parse_package,
    write_package,
)
from lienthong.errors import PackageRejected

_AGENCIES = (
    ("000.00.00.G22", "Văn phòng Chính phủ"),
    ("000.00.00.G09", "Bộ Nội vụ"),
    ("000.00.00.H26", "UBND thành phố Hà Nội"),
    ("000.00.12.H26", "Sở Nội vụ thành phố Hà Nội"),
)
_SUBJECTS = (
    "Về việc triển khai Trục liên thông văn bản quốc gia",
    "Về việc báo cáo tình hình gửi, nhận văn bản điện tử quý III",
    "Về việc cập nhật mã định danh sau sắp xếp đơn vị hành chính",
    "Về việc thực hiện chữ ký số trên văn bản điện tử",
)
_STREAMED = Limits(in_memory_bytes=1024)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What became of one package in the demo."""

    name: str
    kind: str
    summary: str
    size: int
    ok: bool
    detail: str


def sample_pdf(text: str = "Van ban dien tu") -> bytes:
    """A valid one-page PDF with an exact cross-reference table (ASCII text only), for demos,
    tests and benchmarks."""
    content = b"BT /F1 18 Tf 72 720 Td (" + text.encode("latin-1", "replace") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_packages(count: int, *, start: datetime) -> Iterator[tuple[str, Package]]:
    """``count`` documents among the demo agencies, each followed by its recipients' statuses."""
    for index in range(count):
        sender, sender_name = _AGENCIES[index % len(_AGENCIES)]
        recipients = [code for code, _ in _AGENCIES if code != sender][: 1 + index % 3]
        moment = start + timedelta(minutes=7 * index)
        number = str(100 + index)
        builder = (
            DocumentBuilder()
            .sender(sender, name=sender_name)
            .code(number, "VPCP-TTĐT" if sender.endswith("G22") else "BNV-VP")
            .subject(_SUBJECTS[index % len(_SUBJECTS)])
            .document_type("Công văn")
            .signer("Nguyễn Văn A", position="Phó Chánh Văn phòng", competence="TL. BỘ TRƯỞNG")
            .promulgation(on=moment.date(), place="Hà Nội")
            .attach(f"cong-van-{number}.pdf", sample_pdf(f"Cong van so {number}"), zip_wrapped=index % 4 == 3)
        )
        for code in recipients:
            builder = builder.recipient(code)
        document = builder.build(at=moment)
        yield f"van-ban-{number}", document
        for offset, (code, status) in enumerate(
            (code, status)
            for code in recipients
            for status in (StatusCode.RECEIVED, StatusCode.REGISTERED, StatusCode.DONE)
        ):
            yield (
                f"trang-thai-{number}-{code}-{status.value}",
                StatusPackage(
                    from_=Organization(organ_id=code),
                    response_for=ResponseFor(
                        organ_id=sender,
                        document_id=document.document_id,
                        code=document.header.code.text,
                        promulgation_date=moment.date(),
                    ),
                    status_code=status,
                    timestamp=moment + timedelta(minutes=5 * (offset + 1)),
                    staff_info=StaffInfo(department="Văn thư", staff="Trần Thị B"),
                    description=status.label_vi,
                ),
            )


def _examine(name: str, data: bytes, *, at: date) -> DemoResult:
    try:
        package = parse_package(data)
        streamed = parse_package(io.BytesIO(data), limits=_STREAMED)
    except PackageRejected as exc:
        return DemoResult(name, "?", "", len(data), False, str(exc))
    if isinstance(package, StatusPackage):
        summary = f"{package.from_code}: {package.status_code.value} {package.status_code.label}"
    else:
        summary = f"{package.from_code} → {', '.join(package.to_codes)}"
    if streamed != package:
        return DemoResult(name, package.kind, summary, len(data), False, "streamed and whole readings differ")
    if write_package(parse_package(write_package(package))) != write_package(package):
        return DemoResult(name, package.kind, summary, len(data), False, "writing is not byte-stable")
    problems = check_package(package, registry=default_registry(), at=at)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        return DemoResult(name, package.kind, summary, len(data), False, str(errors[0]))
    warnings = len(problems)
    return DemoResult(
        name, package.kind, summary, len(data), True, f"{warnings} cảnh báo" if warnings else "OK"
    )


def run_demo(*, documents: int, samples: Path | None, out: Path | None, at: date) -> list[DemoResult]:
    """Build ``documents`` documents (and their statuses), then examine them and the samples."""
    results = []
    start = datetime.combine(at, datetime.min.time(), VIETNAM_TZ).replace(hour=8)
    for name, package in demo_packages(documents, start=start):
        data = write_package(package)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.edxml").write_bytes(data)
        results.append(_examine(name, data, at=at))
    if samples is not None and samples.is_dir():
        for path in sorted(samples.glob("*.edxml")):
            results.append(_examine(f"samples/{path.name}", path.read_bytes(), at=at))
    return results
