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

from lienthong._i18n import say, tr
from lienthong.console import Role
from lienthong.demo import PORTAL_ADMIN, DemoNetwork, Tally, run_demo, run_traffic, start_network
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


_ROLE_WORDS = {Role.CLERK: ("văn thư", "clerk"), Role.LEADER: ("lãnh đạo", "leader")}


def _urls(console: Console, network: DemoNetwork, described: Path) -> None:
    """Every address a person opens, and the logins made for the demo."""

    def line(text: str) -> None:
        console.print(text, soft_wrap=True, highlight=False)  # never split a URL or a password

    line(
        tr(
            f"Mạng chạy thử, chỉ trên máy này (127.0.0.1): các mật khẩu dưới đây chỉ để thử, "
            f"lưu cả trong {described} (chỉ chủ sở hữu đọc được).",
            f"A demo network, on this machine only (127.0.0.1): the passwords below are for trying it, "
            f"kept in {described} too (readable by its owner only).",
        )
    )
    line(tr(f"Trung tâm danh bạ: {network.directory_url}", f"Directory: {network.directory_url}"))
    line(
        tr(
            f"Cổng thông tin thống kê: {network.portal_url}  quản trị viên {PORTAL_ADMIN}, "
            f"mã đăng nhập {network.portal_token}",
            f"Statistics portal: {network.portal_url}  admin {PORTAL_ADMIN}, "
            f"login token {network.portal_token}",
        )
    )
    for node in network.nodes:
        line(
            f"[bold]{node.plan.title}[/bold] ({', '.join(node.plan.codes[:2])}"
            + (", …" if len(node.plan.codes) > 2 else "")
            + f"): {tr('liên thông', 'peer')} {node.url}  API {node.api_url}  "
            f"{tr('tài liệu', 'docs')} {node.api_url}/docs"
        )
        line(f"  {tr('Bàn làm việc', 'Console')}: {node.console_url}")
        for login in node.logins:
            role = tr(*_ROLE_WORDS[login.role])
            line(
                f"    {role} {login.agency}: {tr('tên', 'user')} {login.name}  "
                f"{tr('mật khẩu', 'password')} {login.password}"
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
        int,
        typer.Option("--documents", min=0, max=100_000, help=say("help-demo-documents")),
    ] = 1000,
    exit_: Annotated[bool, typer.Option("--exit", help=say("help-demo-exit"))] = False,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            file_okay=False,
            help=say("help-demo-state-dir"),
        ),
    ] = None,
    samples_only: Annotated[bool, typer.Option("--samples-only", help=say("help-demo-samples-only"))] = False,
    samples: Annotated[Path, typer.Option("--samples", help=say("help-demo-samples"))] = Path("samples"),
) -> None:
    """Try the whole network: a directory and three nodes on this machine, a day of documents."""
    console = Console()
    _samples(console, samples)
    if samples_only:
        return
    state = state_dir or Path(tempfile.mkdtemp(prefix="lienthong-demo-"))
    if (state / "pki").exists():  # as start_network decides
        console.print(tr(f"Tiếp tục mạng đã có trong {state} …", f"Resuming the network in {state} …"))
    else:
        console.print(tr(f"Khởi động mạng trong {state} …", f"Starting the network in {state} …"))
    network = start_network(state)
    tally: Tally | None = None
    try:
        described = network.write()
        if documents:
            tally = _traffic(console, network, documents)
            network.write()  # the numbers used, for the next run
            _table(console, tally)
        _urls(console, network, described)
        if not exit_:
            console.print(
                tr(
                    f"Thử: lienthong inbox --network {described} --node bo-noi-vu",
                    f"Try: lienthong inbox --network {described} --node bo-noi-vu",
                ),
                soft_wrap=True,
            )
            console.print(
                tr(
                    f"Mạng đang chạy; Ctrl-C để dừng, chạy lại với --state-dir {state} để tiếp tục.",
                    f"The network is running; Ctrl-C to stop, run again with --state-dir {state} to resume.",
                )
                if state_dir is not None
                else tr("Mạng đang chạy; Ctrl-C để dừng.", "The network is running; Ctrl-C to stop."),
                soft_wrap=True,
            )
            _wait_for_signal()
    finally:
        network.stop()
        if state_dir is None:
            shutil.rmtree(state, ignore_errors=True)
    if tally is not None and tally.failures:
        raise typer.Exit(1)
