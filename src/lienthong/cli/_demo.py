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

from lienthong._i18n import say
from lienthong.console import Role
from lienthong.demo import PORTAL_ADMIN, DemoNetwork, Tally, run_demo, run_traffic, start_network
from lienthong.edxml import VIETNAM_TZ
from lienthong.errors import NodeError


def _samples(console: Console, samples: Path) -> None:
    results = run_demo(documents=20, samples=samples, out=None, at=datetime.now(VIETNAM_TZ).date())
    failed = [r for r in results if not r.ok]
    console.print(say("cli-demo-samples-checked", count=len(results), failed=len(failed)))
    if failed:
        raise NodeError(f"{failed[0].name}: {failed[0].detail}")


def _role(role: Role) -> str:
    if role is Role.CLERK:
        return say("cli-demo-role-clerk")
    return say("cli-demo-role-leader") if role is Role.LEADER else say("cli-demo-role-administrator")


def _urls(console: Console, network: DemoNetwork, described: Path) -> None:
    """Every address a person opens, and the logins made for the demo."""

    def line(text: str) -> None:
        console.print(text, soft_wrap=True, highlight=False)  # never split a URL or a password

    line(say("cli-demo-network-local", path=described))
    line(say("cli-demo-directory", url=network.directory_url))
    line(say("cli-demo-portal", url=network.portal_url, admin=PORTAL_ADMIN, token=network.portal_token))
    for node in network.nodes:
        codes = ", ".join(node.plan.codes[:2]) + (", …" if len(node.plan.codes) > 2 else "")
        line(
            f"[bold]{node.plan.title}[/bold] ({codes}): "
            + say("cli-demo-node", peer_url=node.url, api_url=node.api_url)
        )
        line("  " + say("cli-demo-console", url=node.console_url))
        for login in node.logins:
            person = {"role": _role(login.role), "name": login.name, "password": login.password}
            if login.agency:
                line("    " + say("cli-demo-login", agency=login.agency, **person))
            else:  # the node's administrator
                line("    " + say("cli-demo-login-node", **person))


def _traffic(console: Console, network: DemoNetwork, documents: int) -> Tally:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        tasks = {
            "sent": progress.add_task(say("cli-demo-progress-sent"), total=documents),
            "delivered": progress.add_task(say("cli-demo-progress-delivered"), total=None),
            "status": progress.add_task(say("cli-demo-progress-status"), total=None),
            "back": progress.add_task(say("cli-demo-progress-back"), total=None),
        }

        def advance(what: str, by: int) -> None:
            progress.advance(tasks[what], by)

        deadline = 120.0 + documents * 1.0
        return asyncio.run(run_traffic(network, documents=documents, progress=advance, deadline=deadline))


def _table(console: Console, tally: Tally) -> None:
    table = Table(title=say("cli-demo-table-title"))
    table.add_column(say("cli-demo-table-measure"))
    table.add_column(say("cli-demo-table-value"), justify="right")
    rows = [
        (say("cli-demo-documents-sent"), str(tally.documents)),
        (say("cli-demo-recipient-deliveries"), str(tally.recipients)),
        (say("cli-demo-fanned-out"), str(tally.fanned_out)),
        (say("cli-demo-delivered"), str(tally.delivered)),
        *(
            (say("cli-demo-status-sent", code=code), str(n))
            for code, n in sorted(tally.statuses_sent.items())
        ),
        (say("cli-demo-statuses-back"), str(tally.statuses_back)),
        (say("cli-demo-failures"), str(len(tally.failures))),
        (say("cli-demo-time"), f"{tally.seconds:.1f} s"),
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
        console.print(say("cli-demo-resuming", path=state))
    else:
        console.print(say("cli-demo-starting", path=state))
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
            console.print(say("cli-demo-try", path=described), soft_wrap=True)
            console.print(
                say("cli-demo-running-kept", path=state)
                if state_dir is not None
                else say("cli-demo-running"),
                soft_wrap=True,
            )
            _wait_for_signal()
    finally:
        network.stop()
        if state_dir is None:
            shutil.rmtree(state, ignore_errors=True)
    if tally is not None and tally.failures:
        raise typer.Exit(1)
