"""`lienthong node doctor --home DIR`: one line per check, OK / WARN / FAIL, then a count.

The checks are ``lienthong.node.diagnose``'s; this module only prints them. The status word is
left as it is in every language (scripts grep for ``FAIL``); what follows it is translated. The
exit code is 1 when a check failed (a warning alone exits 0), as for any other error of ours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import say
from lienthong.node import NodeHome, Severity, diagnose

#: Wide enough for the longest status word, so the messages line up.
_WIDTH = max(len(s.value) for s in Severity)


def doctor(
    home: Annotated[Path, typer.Option("--home", envvar="LIENTHONG_NODE_HOME", help=say("help-node-home"))],
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help=say("help-node-doctor-timeout"))] = 5.0,
    tsa: Annotated[
        list[str] | None, typer.Option("--tsa", metavar="URL", help=say("help-node-doctor-tsa"))
    ] = None,
) -> None:
    """Check a node's home, its certificates and the network it talks to."""
    diagnosis = diagnose(NodeHome.load(home), timeout=timeout, timestamp_urls=tsa or ())
    for finding in diagnosis.findings:
        typer.echo(f"{finding.severity.value:<{_WIDTH}}  {finding.message}")
    typer.echo(
        say(
            "cli-node-doctor-summary",
            ok=diagnosis.count(Severity.OK),
            warn=diagnosis.count(Severity.WARN),
            fail=diagnosis.count(Severity.FAIL),
        )
    )
    if diagnosis.failed:
        raise typer.Exit(1)
