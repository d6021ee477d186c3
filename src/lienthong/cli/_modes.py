"""The ``--allow-insecure-modes`` option of ``node serve`` and ``directory serve``."""

from __future__ import annotations

from typing import Annotated

import typer

AllowInsecureModes = Annotated[
    bool,
    typer.Option(
        "--allow-insecure-modes",
        help=(
            "Vẫn chạy khi thư mục, cơ sở dữ liệu hay khoá để nhóm hoặc người khác dùng được "
            "(mặc định: từ chối, chỉ ra lệnh chmod cần chạy)."
        ),
    ),
]
