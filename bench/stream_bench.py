"""Streaming package signatures: a package with a 1 GB attachment signed and verified, MB/s and
peak RSS, then streaming against in-memory speed on a 5 MB package, in the same run.

    .venv/bin/python bench/stream_bench.py [--megabytes 1024] [--small-megabytes 5]

The large package is written to a temporary file a line at a time, never held in memory. Each
large operation runs in a child process of its own, so its figures are clean: the child loads
its key, resets its peak (``/proc/self/clear_refs``), works, then reports ``VmHWM`` (the peak
resident set) and how far it rose over the resident set it started from. Target: the peak of
either operation under 100 MB. The 5 MB comparison runs here, best of a few runs each; the
in-memory path cannot take the large package at all (libxml2 refuses a text node over 10 MB).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lienthong.trust import (
    KeySigner,
    Pki,
    load_certificate,
    sign_package,
    sign_package_stream,
    verify_package,
    verify_package_stream,
)

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
SENDER = "000.00.00.H41"
_HEAD = f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="{EDXML_NS}" xmlns:edXML="{EDXML_NS}">
  <edXML:edXMLEnvelope>
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>{SENDER}</edXML:OrganId><edXML:OrganName>UBND tỉnh Nghệ An</edXML:OrganName>
        </edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>
        <edXML:Subject>V/v gửi hồ sơ kèm tệp lớn</edXML:Subject>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList/>
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"/></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded><Attachment ContentID="cid:1" name="ho-so.pdf"><ContentTransferEncoded>""".encode()
_TAIL = b"</ContentTransferEncoded></Attachment></AttachmentEncoded>\n</edXML>\n"


def write_package(path: Path, megabytes: int) -> int:
    """A package whose attachment has ``megabytes`` of base64 text (76 characters a line)."""
    line = base64.encodebytes(os.urandom(57 * 1024))
    with path.open("wb") as out:
        out.write(_HEAD)
        for _ in range((megabytes << 20) // len(line)):
            out.write(line)
        out.write(_TAIL)
    return path.stat().st_size


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def child(operation: str, keys: Path, source: Path, target: Path) -> None:
    """Run one operation and print its figures as JSON (this is the child process)."""
    signer = KeySigner.load(keys / "agency.key", keys / "agency.pem", [keys / "issuing.pem"])
    anchors = [load_certificate(keys / "root.pem")]
    now = datetime.now(UTC)
    start_kb = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the peak restarts from here
    began = time.perf_counter()
    valid = True
    with source.open("rb") as src:
        if operation == "sign":
            with target.open("wb") as dst:
                sign_package_stream(src, dst, signer)
        else:
            valid = verify_package_stream(src, anchors=anchors, at=now).valid
    seconds = time.perf_counter() - began
    peak_kb = _status_kb("VmHWM")
    figures = {"seconds": seconds, "start_rss_mb": start_kb / 1024, "peak_rss_mb": peak_kb / 1024}
    print(json.dumps({**figures, "rss_over_start_mb": (peak_kb - start_kb) / 1024, "valid": valid}))


def _in_child(operation: str, keys: Path, source: Path, target: Path) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", operation, str(keys), str(source), str(target)]
    done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=3600)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["valid"], f"{operation} did not verify"
    return figures


def best_seconds(work: Callable[[], object], runs: int) -> float:
    work()  # warm up: imports, caches
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    return best


def _compare_small(home: Path, keys: Path, megabytes: int) -> dict[str, float]:
    """MB/s of the streaming and in-memory recipes on the same small package, in this process."""
    signer = KeySigner.load(keys / "agency.key", keys / "agency.pem", [keys / "issuing.pem"])
    anchors = [load_certificate(keys / "root.pem")]
    now = datetime.now(UTC)
    source = home / "small.edxml"
    size = write_package(source, megabytes)
    data = source.read_bytes()
    signed = sign_package(data, signer)

    def stream_sign() -> None:
        with source.open("rb") as src:
            sign_package_stream(src, io.BytesIO(), signer)

    def stream_verify() -> None:
        assert verify_package_stream(io.BytesIO(signed), anchors=anchors, at=now).valid

    def memory_verify() -> None:
        assert verify_package(signed, anchors=anchors, at=now).valid

    mb = size / 1e6
    return {
        "stream_sign": mb / best_seconds(stream_sign, 7),
        "memory_sign": mb / best_seconds(lambda: sign_package(data, signer), 7),
        "stream_verify": mb / best_seconds(stream_verify, 7),
        "memory_verify": mb / best_seconds(memory_verify, 7),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--small-megabytes", type=int, default=5)
    parser.add_argument("--child", nargs=4, metavar=("OPERATION", "KEYS", "SOURCE", "TARGET"))
    args = parser.parse_args()
    if args.child:
        operation, keys, source, target = args.child
        child(operation, Path(keys), Path(source), Path(target))
        return
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        pki = Pki.init(home / "pki", at=now - timedelta(days=1))
        issued = pki.issue_agency(SENDER, "UBND tỉnh Nghệ An", at=now - timedelta(days=1))
        keys = home / "keys"
        keys.mkdir()
        for name, path in {
            "agency.key": issued.key_path,
            "agency.pem": issued.cert_path,
            "issuing.pem": pki.issuing_path,
            "root.pem": pki.root_path,
        }.items():
            (keys / name).write_bytes(Path(path).read_bytes())
        large, signed = home / "large.edxml", home / "large-signed.edxml"
        size = write_package(large, args.megabytes)
        sign = _in_child("sign", keys, large, signed)
        large.unlink()
        verify = _in_child("verify", keys, signed, signed)
        small = _compare_small(home, keys, args.small_megabytes)
    mb = size / 1e6
    sign_ratio = small["stream_sign"] / small["memory_sign"]
    verify_ratio = small["stream_verify"] / small["memory_verify"]
    print(f"package of {mb:.0f} MB (one attachment of {args.megabytes} MiB of base64), one child each")
    for name, figures in (("sign", sign), ("verify", verify)):
        print(
            f"{name:7} {mb / figures['seconds']:7.1f} MB/s   peak RSS {figures['peak_rss_mb']:6.1f} MB"
            f"   (+{figures['rss_over_start_mb']:.1f} MB over start; target: peak under 100 MB)"
        )
    print(f"{args.small_megabytes} MB package, MB/s streaming vs in memory:")
    print(f"sign    {small['stream_sign']:7.1f} vs {small['memory_sign']:7.1f}   ratio {sign_ratio:.2f}")
    print(
        f"verify  {small['stream_verify']:7.1f} vs {small['memory_verify']:7.1f}   ratio {verify_ratio:.2f}"
    )
    result = {
        "package_mb": round(mb),
        "sign_mb_per_s": round(mb / sign["seconds"], 1),
        "verify_mb_per_s": round(mb / verify["seconds"], 1),
        "sign_rss_mb": round(sign["peak_rss_mb"], 1),
        "verify_rss_mb": round(verify["peak_rss_mb"], 1),
        "sign_rss_over_start_mb": round(sign["rss_over_start_mb"], 1),
        "verify_rss_over_start_mb": round(verify["rss_over_start_mb"], 1),
        "small_mb": args.small_megabytes,
        "small_sign_ratio_to_memory": round(sign_ratio, 3),
        "small_verify_ratio_to_memory": round(verify_ratio, 3),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
