"""`lienthong demo`: build, write, read and check packages, and the shipped samples."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from lienthong._i18n import tr
from lienthong.demo import run_demo
from lienthong.edxml import VIETNAM_TZ


def demo(
    documents: Annotated[
        int, typer.Option("--documents", min=1, max=100_000, help="Số văn bản tạo thử.")
    ] = 20,
    samples: Annotated[Path, typer.Option("--samples", help="Thư mục gói tin mẫu.")] = Path("samples"),
    out: Annotated[Path | None, typer.Option("--out", help="Ghi các gói tin tạo ra vào thư mục này.")] = None,
) -> None:
    """Chạy thử: tạo, ghi, đọc lại và kiểm tra gói tin văn bản và trạng thái, cùng các gói tin mẫu."""
    started = time.perf_counter()
    results = run_demo(documents=documents, samples=samples, out=out, at=datetime.now(VIETNAM_TZ).date())
    elapsed = time.perf_counter() - started
    console = Console()
    table = Table(
        title=tr(
            "Gói tin edXML: tạo, ghi, đọc lại, kiểm tra",
            "edXML packages: built, written, read back, checked",
        )
    )
    for column in (
        tr("gói tin", "package"),
        tr("loại", "kind"),
        tr("nội dung", "summary"),
        "bytes",
        tr("kết quả", "result"),
    ):
        table.add_column(column)
    shown = [r for r in results if r.name.startswith("samples/") or not r.ok][:60]
    shown = shown or results[:12]
    for result in shown:
        table.add_row(result.name, result.kind, result.summary, str(result.size),
                      ("[green]" if result.ok else "[red]") + result.detail)  # fmt: skip
    console.print(table)
    failed = [r for r in results if not r.ok]
    documents_made = sum(r.kind == "document" for r in results)
    statuses = sum(r.kind == "status" for r in results)
    console.print(
        tr(
            f"{len(results)} gói tin ({documents_made} văn bản, {statuses} trạng thái) "
            f"trong {elapsed:.2f} s; lỗi: {len(failed)}",
            f"{len(results)} packages ({documents_made} documents, {statuses} statuses) "
            f"in {elapsed:.2f} s; failures: {len(failed)}",
        )
    )
    if failed:
        raise typer.Exit(1)
