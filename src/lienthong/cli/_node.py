"""`lienthong node ...`: a node's own records (evidence bundles)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import tr
from lienthong.node import NodeError, NodeHome, export_evidence

app = typer.Typer(help="Điểm kết nối: văn bản đi, văn bản đến, biên nhận và nhật ký.", no_args_is_help=True)


@app.command("evidence")
def evidence(
    document_id: Annotated[str, typer.Argument(help="DocumentId của văn bản.")],
    home: Annotated[Path, typer.Option("--home", help="Thư mục của điểm kết nối.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp zip kết quả.")],
) -> None:
    """Xuất gói chứng cứ của một văn bản: gói tin, biên nhận, trạng thái và chuỗi nhật ký."""
    node = NodeHome.load(home)
    database = node.open_database()
    try:
        data = export_evidence(
            node=node.name, database=database, blobs=node.blobs(), key=node.signer(),
            document_id=document_id, at=datetime.now(UTC),
        )  # fmt: skip
    finally:
        database.close()
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise NodeError(
            tr(f"không ghi được {output}: {exc.strerror}", f"cannot write {output}: {exc.strerror}")
        ) from exc
    typer.echo(str(output))
