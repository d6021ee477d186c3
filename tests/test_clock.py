"""``lienthong._clock``: the one clock type and the one ``utc_now``, and no module beside it
declaring its own again."""

from __future__ import annotations

import ast
from datetime import UTC, timedelta
from pathlib import Path

import lienthong
from lienthong._clock import utc_now

SRC = Path(lienthong.__file__).parent
HOME = SRC / "_clock.py"
HELPER_NAMES = frozenset({"_now", "_utc_now", "_utcnow", "utc_now", "now_utc"})


def _is_datetime_now(node: ast.expr | None) -> bool:
    """``datetime.now(…)`` (or ``datetime.datetime.now(…)``)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "now"
        and ast.unparse(node.func.value).endswith("datetime")
    )


def _is_clock_type(node: ast.expr | None) -> bool:
    """``Callable[[], datetime]``, as an alias's value."""
    return node is not None and ast.unparse(node).replace(" ", "").endswith("Callable[[],datetime]")


def clock_duplicates(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(SRC.parent) if path.is_relative_to(SRC) else path
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = [
                s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
            only_now = len(body) == 1 and isinstance(body[0], ast.Return) and _is_datetime_now(body[0].value)
            if node.name in HELPER_NAMES or only_now:
                found.append(f"{where}:{node.lineno}: def {node.name}: use lienthong._clock.utc_now")
        elif isinstance(node, ast.Assign | ast.AnnAssign):  # ``type Clock = …`` is 3.12, not ours
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if "Clock" in names or _is_clock_type(node.value):
                found.append(f"{where}:{node.lineno}: {', '.join(names)} = …: use lienthong._clock.Clock")
    return found


def test_no_module_declares_its_own_clock_or_now_helper() -> None:
    found = [line for path in sorted(SRC.rglob("*.py")) if path != HOME for line in clock_duplicates(path)]
    assert not found, "a clock declared again (import it from lienthong._clock):\n" + "\n".join(found)


def test_the_scan_finds_each_kind_of_duplicate(tmp_path: Path) -> None:
    probe = tmp_path / "_probe.py"
    probe.write_text(
        "from collections.abc import Callable\n"
        "from datetime import UTC, datetime\n"
        "Clock = Callable[[], datetime]\n"
        "Now: TypeAlias = Callable[[], datetime]\n"
        "def _utc_now() -> datetime:\n"
        "    return datetime.now(UTC)\n"
        "def stamp() -> datetime:\n"
        "    '''Renamed, the same.'''\n"
        "    return datetime.now(UTC)\n",
        encoding="utf-8",
    )
    found = clock_duplicates(probe)
    assert [line.split(": ", 1)[1] for line in found] == [
        "Clock = …: use lienthong._clock.Clock",
        "Now = …: use lienthong._clock.Clock",
        "def _utc_now: use lienthong._clock.utc_now",
        "def stamp: use lienthong._clock.utc_now",
    ]


def test_utc_now_is_aware_and_in_utc() -> None:
    now = utc_now()
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)
