"""edXML parse and write rates, and the memory a 200 MB package costs to parse.

    python bench/edxml_bench.py [--large-mb 200] [--seconds 2]

Rates are for a realistic 5 KB document package (two recipients, one small PDF), measured
beside raw lxml parsing of the same bytes, with the same safety options, in the same run: CPU
time of this process, in interleaved rounds, so the ratio holds on a noisy shared machine. The
first line says which compiled parts of the reader are in use (see setup.py). Memory is
measured in a fresh child process (peak RSS over its baseline) parsing a package whose
attachments total ``--large-mb`` MB, streamed from disk. The last line is one
JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from lienthong.edxml import (
    VIETNAM_TZ,
    DigestSink,
    DocumentBuilder,
    DocumentPackage,
    FileContent,
    parse_package,
    write_package,
    write_package_to,
)
from lienthong.edxml._compiled import compiled_parts

# Peak RSS from VmHWM: unlike ru_maxrss, which Linux carries over from the parent across
# fork and exec, it starts afresh with the child's own memory.
_CHILD = """
import sys
from lienthong.edxml import DigestSink, parse_package
def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
baseline = peak_kb()
if sys.argv[1] != "-":
    with open(sys.argv[1], "rb") as stream:
        package = parse_package(stream, sink=DigestSink())
    assert sum(a.content.size for a in package.attachments) > 0, "no attachments"
print(baseline, peak_kb())
"""


def _pdf(size: int) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return (
        body
        + b"%"
        + os.urandom(max(0, size - len(body) - 8)).hex().encode()[: size - len(body) - 8]
        + b"\n%%EOF\n"
    )


def _builder() -> DocumentBuilder:
    return (
        DocumentBuilder()
        .sender("000.00.00.G22", name="Văn phòng Chính phủ")
        .recipient("000.00.00.G09", name="Bộ Nội vụ")
        .recipient("000.00.12.H26", name="Sở Nội vụ thành phố Hà Nội")
        .code("7816", "VPCP-TTĐT")
        .subject("Về việc triển khai Trục liên thông văn bản quốc gia năm 2025")
        .document_type("Công văn", type=1)
        .signer("Nguyễn Văn A", position="Phó Chủ nhiệm", competence="KT. BỘ TRƯỞNG")
        .promulgation(on=date(2025, 9, 30), place="Hà Nội")
    )


def small_package() -> bytes:
    package = (
        _builder()
        .attach("cong-van-7816.pdf", _pdf(2200))
        .build(at=datetime(2025, 9, 30, 8, 0, tzinfo=VIETNAM_TZ))
    )
    return write_package(package)


def _secure_parser() -> etree.XMLParser:
    """The baseline's parser: the same safety options parse_package uses, so the two do equal work."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _parse_and_read(data: bytes, parser: etree.XMLParser) -> int:
    """The least any consumer of lxml's tree does: parse, then touch every element's tag and text."""
    touched = 0
    for element in etree.fromstring(data, parser).iter():
        touched += len(element.tag) + len(element.text or "")
    return touched


def _rates(actions: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Operations per second of each action: the best of five rounds, the actions taking turns.

    Time is this process's CPU time, and the rounds interleave, so that other work on a shared
    machine slows the baseline and the measured actions alike and the ratios hold.
    """
    per_round: dict[str, int] = {}
    for name, action in actions.items():
        count = 16
        while True:  # size a round to about seconds / 5 / len(actions)
            start = time.process_time()
            for _ in range(count):
                action()
            elapsed = time.process_time() - start
            if elapsed > seconds / 50 or count > 1 << 22:
                break
            count *= 2
        per_round[name] = max(1, int(count * seconds / 5 / len(actions) / elapsed))
    best = dict.fromkeys(actions, 0.0)
    for _ in range(5):
        for name, action in actions.items():
            count = per_round[name]
            start = time.process_time()
            for _ in range(count):
                action()
            best[name] = max(best[name], count / max(time.process_time() - start, 1e-9))
    return best


def _large_package(directory: Path, megabytes: int) -> Path:
    """A package with attachments totalling ``megabytes`` MB, written without holding them."""
    per_file = 50 << 20
    builder = _builder()
    remaining = megabytes << 20
    index = 0
    while remaining > 0:
        size = min(per_file, remaining)
        path = directory / f"phu-luc-{index}.pdf"
        with path.open("wb") as stream:
            stream.write(b"%PDF-1.4\n")
            left = size - 9
            while left > 0:
                chunk = os.urandom(min(1 << 20, left))
                stream.write(chunk)
                left -= len(chunk)
        builder = builder.attach(path.name, FileContent(path))
        remaining -= size
        index += 1
    package: DocumentPackage = builder.build(at=datetime(2025, 9, 30, 8, 0, tzinfo=VIETNAM_TZ))
    output = directory / "large.edxml"
    with output.open("wb") as stream:
        write_package_to(package, stream)
    return output


def _child_rss(path: str) -> tuple[int, int]:
    result = subprocess.run([sys.executable, "-c", _CHILD, path], check=True, capture_output=True, text=True)
    baseline, peak = (int(v) for v in result.stdout.split())
    return baseline, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large-mb", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    data = small_package()
    package = parse_package(data)
    xml_parser = _secure_parser()
    rates = _rates(
        {
            "raw": lambda: etree.fromstring(data, xml_parser),
            "read": lambda: _parse_and_read(data, xml_parser),
            "parsed": lambda: parse_package(data),
            "measured": lambda: parse_package(data, sink=DigestSink()),
            "written": lambda: write_package(package),
        },
        args.seconds * 5,
    )
    raw, read, parsed, measured, written = (
        rates[name] for name in ("raw", "read", "parsed", "measured", "written")
    )
    compiled = compiled_parts()
    in_use = ", ".join(part for part, used in compiled.items() if used) or "none"
    print(f"5 KB package ({len(data)} bytes); compiled: {in_use}")
    print(f"  raw lxml parse        {raw:10.0f} /s")
    print(f"  lxml parse + read all {read:10.0f} /s   ratio to raw {read / raw:.2f}")
    print(
        f"  parse_package         {parsed:10.0f} /s   ratio to raw {parsed / raw:.2f}, "
        f"to parse + read all {parsed / read:.2f}"
    )
    print(f"  parse (digest sink)   {measured:10.0f} /s   ratio to raw {measured / raw:.2f}")
    print(f"  write_package         {written:10.0f} /s   ratio to raw parse {written / raw:.2f}")

    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        large = _large_package(Path(directory), args.large_mb)
        built = time.perf_counter() - start
        size_mb = large.stat().st_size / (1 << 20)
        start = time.perf_counter()
        baseline, peak = _child_rss(str(large))
        parse_seconds = time.perf_counter() - start
        idle_baseline, idle_peak = _child_rss("-")
    rss_mb = (peak - baseline) / 1024
    idle_mb = (idle_peak - idle_baseline) / 1024
    print(f"large package: {args.large_mb} MB of attachments, {size_mb:.0f} MB on the wire")
    print(f"  written in            {built:10.1f} s")
    print(f"  parse (streamed)      {parse_seconds:10.1f} s")
    print(f"  peak RSS over start   {rss_mb:10.1f} MB (an idle child: {idle_mb:.1f} MB)")
    print(f"  RSS / package size    {rss_mb / size_mb:10.3f}")
    print(
        json.dumps(
            {
                "package_bytes": len(data),
                "compiled_tree_walk": compiled["tree_walk"],
                "compiled_reader": compiled["reader"],
                "raw_lxml_parse_per_s": round(raw),
                "lxml_parse_read_per_s": round(read),
                "parse_ratio_to_parse_read": round(parsed / read, 3),
                "parse_per_s": round(parsed),
                "parse_ratio_to_raw": round(parsed / raw, 3),
                "parse_digest_per_s": round(measured),
                "parse_digest_ratio_to_raw": round(measured / raw, 3),
                "write_per_s": round(written),
                "large_attachments_mb": args.large_mb,
                "large_package_mb": round(size_mb, 1),
                "large_parse_s": round(parse_seconds, 2),
                "large_parse_rss_mb": round(rss_mb, 1),
                "large_rss_ratio_to_package": round(rss_mb / size_mb, 4),
            }
        )
    )


if __name__ == "__main__":
    main()
