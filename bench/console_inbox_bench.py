"""The console's inbox page over 10,000 received documents: how long GET /console/inbox takes.

Seeding (not timed): a node pair is set up as ``bench_network`` does (a PKI made for the run, a
signed configuration, homes by ``init_home``), opened in this process, no node process started.
The first ``--real`` documents take the whole path: submitted at nghe-an (signed there, with a
PAdES-signed PDF) and received at vpcp by ``receive_many`` (signature and peer checked, stored,
indexed, receipted) — not over HTTP. The rest go in through the store, as receipt writes them
(``NodeStore.inbox_put_many`` + ``index_documents`` in one transaction per 1,000), their index
rows made by ``index_entries`` from one real package parsed once, with each its own message id,
number, notation, subject, urgency and time; they share that package's blob. Every 10th has a
03 in its timeline and every 30th a 06, so the last-status subquery has work.

Serving: the console app over real HTTP/1.1 with TLS on 127.0.0.1 (``serve_in_thread``), a
logged-in clerk, one ``httpx`` client, requests one after another. For each case (first page;
a search without diacritics; status + urgency filters; the last page) one cold request is
reported on its own (the first list indexes nothing here but checks PDF verdicts once), then
``--requests`` timed ones give p50 and p99. The page's time is compared with a bare SELECT of
the same 50 index rows on the same database (the ratio: what the page costs over the rows),
and the store's share of it is timed alone (count, party choices, the rows with their status).
The last line is one JSON object.

    .venv/bin/python bench/console_inbox_bench.py
    .venv/bin/python bench/console_inbox_bench.py --documents 10000 --requests 100
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench_network import RECIPIENT, SENDER, SERVED, BenchNetwork, Served
from lienthong.console import Role, UserFile, create_console
from lienthong.demo import sample_pdf
from lienthong.directory import generate_directory_key
from lienthong.edxml import DocumentBuilder, DocumentPackage, OtherInfo, parse_package, write_package
from lienthong.net import serve_in_thread, server_context
from lienthong.node import Node, NodeRuntime, index_entries, init_home, receive, submit_many
from lienthong.store import (
    Direction,
    DocumentIndex,
    InboxEntry,
    ListQuery,
    NodeStore,
    PackageKind,
    StatusEntry,
)
from lienthong.trust import Pki, sign_pdf

PASSWORD = "mật-khẩu-đo-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_TOTAL = re.compile(r'id="total" role="status">(\d+) ')
BATCH = 1000


def _network(base: Path) -> BenchNetwork:
    """Both homes as ``bench_network`` makes them, without starting their processes."""
    now = datetime.now(UTC)
    earlier = now - timedelta(days=1)
    pki = Pki.init(base / "pki", at=earlier, name="Lienthong Bench")
    key = generate_directory_key("bench directory", not_before=earlier)
    anchor = base / "anchor.json"
    anchor.write_text(key.anchor(directory="bench").to_json(), encoding="utf-8")
    configuration = base / "configuration.json"
    for name, codes in SERVED.items():
        pki.issue_node(name, at=earlier)
        for code in codes:
            pki.issue_agency(code, code, at=earlier)
    network = BenchNetwork(pki, key, configuration, {})
    network.nodes = {name: Served(name, None, base / f"{name}.log") for name in SERVED}  # type: ignore[arg-type]
    configuration.write_bytes(network._configuration())
    for name, codes in SERVED.items():
        (base / name).mkdir()
        url = f"sqlite:///{base / name / 'node.db'}"
        network.nodes[name].home = init_home(
            base / name, name=name, anchor=anchor, at=now, database_url=url,
            pki=base / "pki", agencies=codes, configuration=configuration,
        )  # fmt: skip
    return network


def _notation(n: int) -> str:
    return "QĐ-TTg" if n % 7 == 0 else "UBND-VP"


def _subject(n: int) -> str:
    return f"Quyết định về việc giao chỉ tiêu số {n}" if n % 5 == 0 else f"Công văn đôn đốc số {n}"


def _package(n: int, pdf: bytes, at: datetime) -> bytes:
    builder = DocumentBuilder().sender(SENDER, name="UBND tỉnh Nghệ An").code(str(n), _notation(n))
    builder = builder.subject(_subject(n)).recipient(RECIPIENT).other_info(OtherInfo(priority=n % 4))
    builder = builder.promulgation(on=date(2026, 3, 2), place="Vinh")
    return write_package(builder.attach("vb.pdf", pdf, content_type="application/pdf").build(at=at))


def _seed(sender: Node, receiver: Node, *, documents: int, real: int, pdf: bytes) -> dict[str, float]:
    now = datetime.now(UTC)
    start = now - timedelta(days=30)
    began = time.perf_counter()
    outcomes = submit_many(sender, [_package(n, pdf, now) for n in range(1, real + 1)], at=now)
    signed = [b"".join(sender.blobs.read_verified(o.package_sha256)) for o in outcomes]  # type: ignore[union-attr]
    for data in signed:
        receive(receiver, data, recipient=RECIPIENT, peer="nghe-an", at=now)
    real_seconds = time.perf_counter() - began

    began = time.perf_counter()
    template = parse_package(signed[0], limits=receiver.limits)
    assert isinstance(template, DocumentPackage)
    sha = outcomes[0].package_sha256  # type: ignore[union-attr]
    size = len(signed[0])
    (model,) = index_entries(
        template, direction=Direction.IN, message_id="", recipients=(RECIPIENT,),
        package_sha256=sha, size=size, at=start,
    )  # fmt: skip
    for first in range(real + 1, documents + 1, BATCH):
        numbers = range(first, min(first + BATCH, documents + 1))
        inbox, indexed, steps = [], [], []
        for n in numbers:
            at = start + timedelta(minutes=4 * n)
            message_id, document_id = secrets.token_hex(32), f"{SENDER},2026/03/02,{n}/{_notation(n)}"
            inbox.append(
                InboxEntry(message_id, document_id, PackageKind.DOCUMENT, sha, SENDER, RECIPIENT, at)
            )
            indexed.append(
                dataclasses.replace(
                    model, message_id=message_id, document_id=document_id, number=str(n),
                    notation=_notation(n), subject=_subject(n), urgency=n % 4, at=at,
                )
            )  # fmt: skip
            for code, every in (("03", 10), ("06", 30)):
                if n % every == 0:
                    steps.append(
                        StatusEntry(SENDER, document_id, RECIPIENT, SENDER, code, at, sha, Direction.OUT, at)
                    )
        with NodeStore.begin(receiver.database) as store:
            store.inbox_put_many(inbox)
            store.index_documents(indexed)
            for step in steps:
                store.put_status(step)
    return {"seed_real_s": round(real_seconds, 1), "seed_store_s": round(time.perf_counter() - began, 1)}


def _login(client: httpx.Client) -> None:
    page = client.get("/console/login")
    csrf = _CSRF.search(page.text)
    assert csrf is not None
    answer = client.post("/console/login", data={"user": "lan", "password": PASSWORD, "csrf": csrf.group(1)})
    assert answer.status_code == 303, answer.text


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 2)


def _time(call: Callable[[], Any], count: int) -> list[float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        call()
        times.append(1000 * (time.perf_counter() - began))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=100, help="documents through submit and receive")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per case")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lt-inbox-bench-") as scratch:
        base = Path(scratch)
        network = _network(base)
        runtimes = [NodeRuntime(network.nodes[name].home) for name in ("nghe-an", "vpcp")]
        try:
            sender, receiver = (runtime.node() for runtime in runtimes)
            pdf = sign_pdf(sample_pdf("Cong van"), network.signer(SENDER))
            figures: dict[str, Any] = {"documents": args.documents}
            figures |= _seed(sender, receiver, documents=args.documents, real=args.real, pdf=pdf)
            print(f"seeded {args.documents} documents: {figures}", file=sys.stderr)

            users = UserFile.in_home(base / "console")
            users.add("lan", PASSWORD, roles=[Role.CLERK], codes=[RECIPIENT])
            app = create_console(runtimes[1].node, users=users)
            issued = network.pki.issued("vpcp")
            tls = server_context(
                certificate=issued.cert_path, key=issued.key_path, client_anchors=None,
                require_client_certificate=False, http2=False,
            )  # fmt: skip
            server = serve_in_thread(app, tls)
            last_page = -(-args.documents // 50)
            cases = {
                "first_page": {},
                "search": {"q": "qd-ttg"},
                "filtered": {"status": "03", "urgency": "2"},
                "late_page": {"page": str(last_page)},
            }
            try:
                with httpx.Client(base_url=server.url, verify=False, timeout=60) as client:
                    _login(client)
                    for name, params in cases.items():
                        began = time.perf_counter()
                        cold = client.get("/console/inbox", params=params)
                        cold_ms = 1000 * (time.perf_counter() - began)
                        assert cold.status_code == 200, cold.text
                        found = _TOTAL.search(cold.text)
                        request = functools.partial(client.get, "/console/inbox", params=params)
                        times = _time(request, args.requests)
                        figures[f"{name}_cold_ms"] = round(cold_ms, 1)
                        figures[f"{name}_p50_ms"] = _percentile(times, 0.5)
                        figures[f"{name}_p99_ms"] = _percentile(times, 0.99)
                        figures[f"{name}_total"] = int(found.group(1)) if found else None
                        print(f"{name}: {figures[f'{name}_p50_ms']} ms p50, total {found and found.group(1)}",
                              file=sys.stderr)  # fmt: skip
            finally:
                server.stop()

            # A bare SELECT of the first page's 50 rows on the same database: the floor.
            bare = text(
                "SELECT * FROM node_document_index WHERE direction = 'in' AND recipient = :code "
                "ORDER BY at DESC, id DESC LIMIT 50"
            )
            with receiver.database.engine.connect() as connection:
                select_times = _time(
                    lambda: connection.execute(bare, {"code": RECIPIENT}).all(), args.requests
                )
            figures["bare_select_p50_ms"] = _percentile(select_times, 0.5)

            # The store's share of a page: the count, the party choices and the 50 rows with
            # their last status (what the page adds on top is the app, the template and HTTP).
            def store_page() -> None:
                with DocumentIndex.begin(receiver.database) as index:
                    index.parties(Direction.IN, (RECIPIENT,))
                    index.page(ListQuery(direction=Direction.IN, codes=(RECIPIENT,)))

            figures["store_first_page_p50_ms"] = _percentile(_time(store_page, args.requests), 0.5)
            figures["first_page_over_select"] = round(
                figures["first_page_p50_ms"] / max(figures["bare_select_p50_ms"], 0.001), 1
            )
            every = [figures[f"{name}_p99_ms"] for name in cases]
            figures["p50_ms"] = figures["first_page_p50_ms"]
            figures["p99_ms"] = max(every)
            figures["under_300_ms"] = max(every) < 300
        finally:
            for runtime in runtimes:
                runtime.close()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
