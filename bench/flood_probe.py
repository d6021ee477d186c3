"""Hostile bodies against a running network: how much memory does a caller nobody knows cost?

Sends large bodies (1 MiB chunks, no credentials) to the routes the security probe of issue #13
flooded, against the processes of a network started with ``lienthong demo --state-dir DIR``, and
samples each serving process's RSS every 20 ms (psutil). Traffic goes only to the loopback URLs
in ``DIR/network.json``; each request is bounded by its size.

    lienthong demo --documents 10 --state-dir /tmp/net &     # wait for "Mạng đang chạy"
    .venv/bin/python bench/flood_probe.py /tmp/net/network.json [--mib 400]

The last line is one JSON object: per route the status, the seconds to the answer and the peak
RSS growth in MB.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil

MiB = 1 << 20


def _process(fragment: str, home: str | None = None) -> psutil.Process:
    for process in psutil.process_iter(["cmdline"]):
        line = " ".join(process.info["cmdline"] or [])
        if fragment in line and (home is None or home in line):
            return process
    raise SystemExit(f"no running process for {fragment!r}: is the network running?")


def _flood(total: int) -> Iterator[bytes]:
    chunk = b"x" * MiB
    for _ in range(total // MiB):
        yield chunk


def _probe(
    process: psutil.Process, url: str, total: int, anchor: str, headers: dict[str, str]
) -> dict[str, Any]:
    before = process.memory_info().rss
    peak = [before]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    try:
        with httpx.Client(verify=anchor, timeout=60) as client:
            answer = client.post(url, content=_flood(total), headers=headers)
            status: int | str = answer.status_code
            body = answer.text[:100]
    except httpx.HTTPError as exc:
        status, body = "closed", type(exc).__name__
    seconds = time.monotonic() - started
    time.sleep(0.3)
    stop.set()
    watcher.join()
    return {
        "status": status,
        "answer": body,
        "s": round(seconds, 3),
        "rss_growth_mb": round((peak[0] - before) / MiB, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("network", type=Path)
    parser.add_argument("--mib", type=int, default=400, help="size of each body in MiB")
    args = parser.parse_args()
    network = json.loads(args.network.read_text(encoding="utf-8"))
    node = network["nodes"][0]
    node_process = _process("node serve", node["home"])
    directory_process = _process("directory serve")
    api, directory, anchor = node["api"]["base_url"], network["directory"]["url"], network["trust_anchor"]
    size = args.mib * MiB
    cases = {
        "vxp_send_no_headers": (node_process, f"{api}/vxp/sendEdoc", {}),
        "statistics_no_certificate": (
            directory_process,
            f"{directory}/v1/statistics",
            {"content-type": "application/json"},
        ),
        "admin_import_no_token": (
            directory_process,
            f"{directory}/v1/admin/agencies/import",
            {"content-type": "text/csv"},
        ),
        "compose_no_token": (
            node_process,
            f"{api}/api/v1/documents/compose",
            {"content-type": "multipart/form-data; boundary=x"},
        ),
        "compose_no_token_declared": (
            node_process,
            f"{api}/api/v1/documents/compose",
            {"content-type": "multipart/form-data; boundary=x", "content-length": str(size)},
        ),
    }
    results = {}
    for name, (process, url, headers) in cases.items():
        results[name] = _probe(process, url, size, anchor, headers)
        print(f"{name}: {results[name]}")
    print(json.dumps({"mib_sent_each": args.mib, **results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
