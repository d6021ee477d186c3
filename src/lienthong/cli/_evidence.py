"""`lienthong evidence ...`: check an evidence bundle, or an archive of them (the directory
`lienthong node archive` writes), offline, with the trust anchors only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from cryptography import x509

from lienthong._i18n import msg, say
from lienthong.cli._help import Typer
from lienthong.evidence import BundleInvalid, verify_archive, verify_bundle
from lienthong.trust import load_certificates

app = Typer(help=say("help-evidence"), no_args_is_help=True)


@app.command("verify", help=say("help-evidence-verify"))
def verify(
    bundle: Annotated[Path, typer.Argument(help=say("help-evidence-bundle"))],
    trust: Annotated[list[Path], typer.Option("--trust", help=say("help-evidence-trust"))],
) -> None:
    """Verify an evidence bundle, or an archive (a directory of them)."""
    anchors = [cert for path in trust for cert in load_certificates(path)]
    if bundle.is_dir():
        _verify_archive(bundle, anchors)
        return
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


def _verify_archive(root: Path, anchors: list[x509.Certificate]) -> None:
    report = verify_archive(root, anchors=anchors)
    typer.echo(report.summary())
    for problem in report.problems:
        typer.echo(say("cli-evidence-fails", problem=problem))
    for bundle in report.bundles:
        if not bundle.valid:
            typer.echo(f"  {bundle.summary()}")
            for problem in bundle.problems:
                typer.echo(say("cli-evidence-fails", problem=problem))
    if not report.valid:
        raise typer.Exit(1)
