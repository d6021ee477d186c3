"""`lienthong evidence ...`: check an evidence bundle offline, with the trust anchors only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import msg, say
from lienthong.cli._help import Typer
from lienthong.evidence import BundleInvalid, verify_bundle
from lienthong.trust import load_certificates

app = Typer(help=say("help-evidence"), no_args_is_help=True)


@app.command("verify", help=say("help-evidence-verify"))
def verify(
    bundle: Annotated[Path, typer.Argument(help=say("help-evidence-bundle"))],
    trust: Annotated[list[Path], typer.Option("--trust", help=say("help-evidence-trust"))],
) -> None:
    """Verify an evidence bundle."""
    anchors = [cert for path in trust for cert in load_certificates(path)]
    try:
        data = bundle.read_bytes()
    except OSError as exc:
        raise BundleInvalid(msg("cli-file-unreadable", path=bundle, reason=exc.strerror)) from exc
    report = verify_bundle(data, anchors=anchors)
    typer.echo(report.summary())
    for record in report.records:
        line = f"  {record.seq} {record.at.isoformat()} {record.kind.value} {record.party} {record.note}"
        typer.echo(line.rstrip())
    for problem in report.problems:
        typer.echo(say("cli-evidence-fails", problem=problem))
    if not report.valid:
        raise typer.Exit(1)
