"""`lienthong demo`: a directory and three nodes on loopback over mTLS, a day of documents through
their APIs with the SDK, a progress bar and a final table; and the sample check before it."""

from __future__ import annotations

import asyncio
import shutil
import signal
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lienthong._i18n import tr
from lienthong.demo import DemoNetwork, Tally, run_demo, run_traffic, start_network
from lienthong.edxml import VIETNAM_TZ
from lienthong.errors import NodeError


def _samples(console: Console, samples: Path) -> None:
    results = run_demo(documents=20, samples=samples, out=None, at=datetime.now(VIETNAM_TZ).date())
    failed = [r for r in results if not r.ok]
    console.print(
        tr(
            f"Kiểm tra gói tin mẫu: {len(results)} gói tin, lỗi: {len(failed)}",
            f"Sample check: {len(results)} packages, failures: {len(failed)}",
        )
    )
    if failed:
        raise NodeError(f"{failed[0].name}: {failed[0].detail}")


def _urls(console: Console, network: DemoNetwork) -> None:
    console.print(tr(f"Trung tâm danh bạ: {network.directory_url}", f"Directory: {network.directory_url}"))
    for node in network.nodes:
        console.print(
            f"[bold]{node.plan.title}[/bold] ({', '.join(node.plan.codes[:2])}"
            + (", …" if len(node.plan.codes) > 2 else "")
            + f"): {tr('liên thông', 'peer')} {node.url}  API {node.api_url}  "
            f"{tr('tài liệu', 'docs')} {node.api_url}/docs"
        )


def _traffic(console: Console, network: DemoNetwork, documents: int) -> Tally:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        tasks = {
            "sent": progress.add_task(tr("Gửi văn bản", "Sending"), total=documents),
            "delivered": progress.add_task(tr("Đến nơi nhận", "Delivered"), total=None),
            "status": progress.add_task(tr("Trạng thái gửi", "Statuses sent"), total=None),
            "back": progress.add_task(tr("Trạng thái về bên gửi", "Statuses back"), total=None),
        }

        def advance(what: str, by: int) -> None:
            progress.advance(tasks[what], by)

        deadline = 120.0 + documents * 1.0
        return asyncio.run(run_traffic(network, documents=documents, progress=advance, deadline=deadline))


def _table(console: Console, tally: Tally) -> None:
    table = Table(title=tr("Một ngày văn bản qua trục liên thông", "A day of documents through the network"))
    table.add_column(tr("chỉ số", "measure"))
    table.add_column(tr("giá trị", "value"), justify="right")
    rows = [
        (tr("văn bản đã gửi", "documents sent"), str(tally.documents)),
        (tr("lượt gửi tới nơi nhận", "recipient deliveries"), str(tally.recipients)),
        (tr("gửi nhiều nơi (> 3 nơi nhận)", "fanned out (> 3 recipients)"), str(tally.fanned_out)),
        (tr("đã đến nơi nhận", "delivered"), str(tally.delivered)),
        *(
            (tr(f"trạng thái {code}", f"status {code}"), str(n))
            for code, n in sorted(tally.statuses_sent.items())
        ),
        (tr("trạng thái về tới bên gửi", "statuses back at the sender"), str(tally.statuses_back)),
        (tr("lỗi", "failures"), str(len(tally.failures))),
        (tr("thời gian", "time"), f"{tally.seconds:.1f} s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    for line in tally.failures[:10]:
        console.print(f"[red]{line}")


def _wait_for_signal() -> None:
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(3600):
        pass


def demo(
    documents: Annotated[
        int, typer.Option("--documents", min=1, max=100_000, help="Số văn bản gửi trong ngày.")
    ] = 1000,
    exit_: Annotated[bool, typer.Option("--exit", help="Dừng mạng khi xong.")] = False,
    state_dir: Annotated[
        Path | None,
        typer.Option("--state-dir", file_okay=False, help="Giữ mọi dữ liệu ở đây (và network.json)."),
    ] = None,
    samples_only: Annotated[bool, typer.Option("--samples-only", help="Chỉ kiểm tra gói tin mẫu.")] = False,
    samples: Annotated[Path, typer.Option("--samples", help="Thư mục gói tin mẫu.")] = Path("samples"),
) -> None:
    """Chạy thử cả mạng: trung tâm danh bạ và ba điểm kết nối trên máy này, một ngày văn bản."""
    console = Console()
    _samples(console, samples)
    if samples_only:
        return
    state = state_dir or Path(tempfile.mkdtemp(prefix="lienthong-demo-"))
    console.print(tr(f"Khởi động mạng trong {state} …", f"Starting the network in {state} …"))
    network = start_network(state)
    try:
        described = network.write()
        _urls(console, network)
        tally = _traffic(console, network, documents)
        _table(console, tally)
        if not exit_:
            console.print(tr(f"Mô tả mạng: {described}", f"Network description: {described}"))
            console.print(
                tr(
                    f"Thử: lienthong inbox --network {described} --node bo-noi-vu",
                    f"Try: lienthong inbox --network {described} --node bo-noi-vu",
                )
            )
            console.print(tr("Mạng đang chạy; Ctrl-C để dừng.", "The network is running; Ctrl-C to stop."))
            _wait_for_signal()
    finally:
        network.stop()
        if state_dir is None:
            shutil.rmtree(state, ignore_errors=True)
    if tally.failures:
        raise typer.Exit(1)
