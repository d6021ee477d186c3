"""The console's and the portal's style sheets are whole: every block closed, so no rule after
an unclosed one (a ``@media`` block, say) silently applies only on phones or not at all."""

from __future__ import annotations

import re
from importlib import resources

import pytest


@pytest.mark.parametrize("package", ["lienthong.console", "lienthong.portal"])
def test_every_block_of_the_style_sheets_is_closed(package: str) -> None:
    for sheet in (resources.files(package) / "static").iterdir():
        if not sheet.name.endswith(".css"):
            continue
        text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        depth = 0
        for number, line in enumerate(text.splitlines(), 1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{sheet.name}:{number}: a brace closes nothing"
        assert depth == 0, f"{sheet.name}: {depth} block(s) left open"
