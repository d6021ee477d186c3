"""`lienthong evidence ...`: check an evidence bundle offline, with the trust anchors only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import msg, say
from lienthong.evidence import BundleInvalid, verify_bundle
from lienthong.trust import load_certificates

app = typer.Typer(help="Gói chứng cứ: kiểm tra ngoại tuyến.", no_args_is_help=True)


@app.command("verify")
def verify(
    bundle: Annotated[Path, typer.Argument(help="Gói chứng cứ (zip).")],
    trust: Annotated[list[Path], typer.Option("--trust", help="Chứng thư gốc tin cậy (PEM).")],
) -> None:
    """Kiểm tra gói chứng cứ: chuỗi nhật ký, chữ ký gói tin và biên nhận. Mã thoát 0 nếu hợp lệ."""
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
