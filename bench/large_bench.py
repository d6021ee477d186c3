"""One package with a large attachment (1 GB by default) from node A to node B, end to end.

Real ``lienthong node serve`` processes over mutual TLS on loopback (``bench_network``): the
attachment is generated to a file, the package written to a file around it (base64 streamed),
submitted with ``lienthong node submit`` (the node signs it), delivered by A's worker, stored
by B, whose receipt A waits for; then the attachment is downloaded from B's API and its SHA-256
compared with what was sent. Prints each phase's time, MB/s, and every process's peak resident
memory (VmHWM of the node processes; ru_maxrss of the submitting process and of this one).
The target is every process under 200 MB. The last line is one JSON object.

With ``--backend postgresql`` each node's database is a fresh schema on the PostgreSQL server of
``LIENTHONG_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/test``, dropped after)
and its blobs live there too (``--blobs filesystem`` keeps them in files instead).

    .venv/bin/python bench/large_bench.py [--size-mb 1024] [--backend postgresql] [--blobs …]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]

from bench_network import RECIPIENT, SENDER, SERVED, BenchNetwork, bench_network  # noqa: E402
from lienthong.api import add_client  # noqa: E402
from lienthong.client import Client  # noqa: E402
from lienthong.demo import wait_for  # noqa: E402
from lienthong.edxml import DEFAULT_LIMITS, DocumentBuilder, FileContent, write_package_to  # noqa: E402
from lienthong.node import DeliveryState  # noqa: E402
from lienthong.store import NodeStore  # noqa: E402
from support.databases import empty_database_url  # noqa: E402

MB = 1 << 20


class _Digest(io.BytesIO):
    """A download target that hashes and counts what it is given, keeping nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


def _attachment(path: Path, size_mb: int) -> FileContent:
    """``size_mb`` MiB of random bytes, written a MiB at a time."""
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for _ in range(size_mb):
            chunk = os.urandom(MB)
            digest.update(chunk)
            out.write(chunk)
    return FileContent(path, size=size_mb * MB, sha256=digest.hexdigest())


def _package(path: Path, content: FileContent) -> None:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code("1", "UBND-VP")
    builder = builder.subject("V/v hồ sơ dung lượng lớn").recipient(RECIPIENT)
    package = builder.attach("ho-so.bin", content, content_type="application/octet-stream")
    with path.open("wb") as out:
        write_package_to(package.build(at=datetime.now(UTC)), out)


def _submit(net: BenchNetwork, file: Path, limits: tuple[str, ...]) -> tuple[str, float]:
    """``node submit``: the message id and the process's peak RSS (MiB)."""
    command = [
        sys.executable, "-m", "lienthong.cli", "node", "submit", str(file),
        "--home", str(net.nodes["nghe-an"].home.home), *limits,
    ]  # fmt: skip
    log = file.with_suffix(".submit.log")
    peak = 0.0
    with log.open("wb") as errors:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)
        # VmHWM polled while it runs: the rusage of a child counts the parent's memory at fork.
        while child.poll() is None:
            peak = max(peak, _vm_hwm_mb(child.pid))
            time.sleep(0.05)
    out = child.stdout.read() if child.stdout is not None else b""
    if child.returncode != 0:
        raise SystemExit(f"node submit failed: {log.read_text(errors='replace')[-2000:]}")
    return str(json.loads(out)["message_id"]), peak


def _vm_hwm_mb(pid: int) -> float:
    """Peak resident memory of a running process, MiB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((line for line in status.splitlines() if line.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def _delivered(net: BenchNetwork, message_id: str) -> DeliveryState | None:
    with NodeStore.begin(net.database("nghe-an"), write=False) as store:
        entries = store.outbox(message_id=message_id)
    final = {DeliveryState.DELIVERED, DeliveryState.REJECTED, DeliveryState.FAILED}
    return entries[0].state if entries and entries[0].state in final else None


def run(args: argparse.Namespace) -> dict[str, object]:
    base = Path(tempfile.mkdtemp(prefix="lienthong-large-"))
    try:
        with contextlib.ExitStack() as stack:
            urls = {
                name: stack.enter_context(empty_database_url(args.backend, base / f"{name}-db"))
                for name in SERVED
            }
            return _run(args, base, urls if args.backend == "postgresql" else {})
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


def _run(args: argparse.Namespace, base: Path, urls: dict[str, str]) -> dict[str, object]:
    package_limit = max(DEFAULT_LIMITS.max_package_bytes, args.size_mb * MB * 4 // 3 + 64 * MB)
    limits = ("--max-package-bytes", str(package_limit))
    networks = bench_network(base, options=limits, api=True, database_urls=urls, blobs=args.blobs)
    net = next(networks)
    blobs = {home.home.name: home.blob_backend for home in (node.home for node in net.nodes.values())}
    print(f"databases: {args.backend}; blobs: {blobs}")
    try:
        clock = time.perf_counter()
        content = _attachment(base / "ho-so.bin", args.size_mb)
        file = base / "package.xml"
        _package(file, content)
        generate_s = time.perf_counter() - clock
        package_mb = file.stat().st_size / MB
        print(f"generated {args.size_mb} MiB attachment, {package_mb:.0f} MiB package in {generate_s:.1f} s")

        clock = time.perf_counter()
        message_id, rss_submit = _submit(net, file, limits)
        submit_s = time.perf_counter() - clock
        print(f"node submit (parse, sign, verify, store): {submit_s:.1f} s, peak RSS {rss_submit:.0f} MiB")

        state = wait_for(lambda: _delivered(net, message_id), timeout=120 + args.size_mb, every=0.5)
        deliver_s = time.perf_counter() - clock - submit_s
        if state is not DeliveryState.DELIVERED:
            raise SystemExit(f"not delivered: {state}")
        print(f"delivered, B's receipt at A: {deliver_s:.1f} s after submit")

        token = add_client(net.database("vpcp"), "bench", codes=[RECIPIENT], at=datetime.now(UTC)).token
        target = _Digest()
        clock = time.perf_counter()
        verify = str(net.pki.root_path)
        with Client(net.nodes["vpcp"].api_url, token=token, verify=verify, timeout=600.0) as api:
            api.download_attachment(f"{message_id}-{RECIPIENT}", "1", target)
        download_s = time.perf_counter() - clock
        intact = target.sha256.hexdigest() == content.sha256 and target.size == content.size
        print(f"downloaded from B's API: {download_s:.1f} s, sha256 {'equal' if intact else 'DIFFERENT'}")

        rss_sender, rss_receiver = net.nodes["nghe-an"].rss_mb(), net.nodes["vpcp"].rss_mb()
        rss_bench = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        end_to_end = submit_s + deliver_s
        mb_per_s = package_mb / end_to_end
        print(
            f"peak RSS MiB: sender node {rss_sender:.0f}, receiver node {rss_receiver:.0f}, "
            f"node submit {rss_submit:.0f}, this bench {rss_bench:.0f} (target < 200 each)"
        )
        print(f"end to end (submit to receipt): {end_to_end:.1f} s, {mb_per_s:.1f} MB/s of package")
        print(f"ratio download/end-to-end time: {download_s / end_to_end:.2f}")
        return {
            "size_mb": args.size_mb,
            "backend": args.backend,
            "blobs": blobs["vpcp"],
            "package_mb": round(package_mb, 1),
            "intact": intact,
            "submit_s": round(submit_s, 1),
            "deliver_s": round(deliver_s, 1),
            "download_s": round(download_s, 1),
            "mb_per_s": round(mb_per_s, 1),
            "download_mb_per_s": round(args.size_mb / download_s, 1),
            "rss_mb_sender": round(rss_sender),
            "rss_mb_receiver": round(rss_receiver),
            "rss_mb_submit": round(rss_submit),
            "rss_mb_bench": round(rss_bench),
            "under_200_mb": max(rss_sender, rss_receiver, rss_submit) < 200,
        }
    finally:
        for _ in networks:  # the generator's end stops the nodes
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="attachment size, MiB")
    parser.add_argument("--keep", action="store_true", help="keep the homes and logs")
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql"), default="sqlite", help="the nodes' databases"
    )
    parser.add_argument(
        "--blobs",
        choices=("filesystem", "postgresql"),
        default=None,
        help="where blobs live (default: node init's)",
    )
    print(json.dumps(run(parser.parse_args())))


if __name__ == "__main__":
    main()
