"""The layers of ``shared/DESIGN.md``, written down once, checked on every import in ``src``.

Each package imports only from the layers before its own and, within its layer, from the
packages listed before it. Every import counts: at module level, inside a function, a class or an
``if TYPE_CHECKING`` block, absolute or relative, and ``importlib.import_module("lienthong.…")``.
A package missing from the table fails too: a new package must be given its place.

Inside ``lienthong.node`` the sending side and the receiving side share only leaf modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import lienthong

SRC: Final = Path(lienthong.__file__).parent
ROOT: Final = "lienthong"

#: Lowest first. ``lienthong`` is the root package itself (``__version__``, and the error tree's root).
LAYERS: Final = (
    ("_clock", "_loop", "_i18n", "errors", ROOT, "codes", "edxml", "trust", "net", "vxp"),
    ("evidence", "statistics"),
    ("store",),
    ("directory", "node"),
    ("api", "console", "portal", "client"),
    ("server", "demo"),
    ("cli",),
)
RANK: Final = {
    name: (layer, place) for layer, names in enumerate(LAYERS, 1) for place, name in enumerate(names)
}

#: ``lienthong.node``'s two sides, and what joins them (as its docstring says). Every other module
#: of node is a shared leaf: it imports neither side, and a side imports only itself and leaves.
SENDING: Final = frozenset({"_submit", "_intake", "_deliver", "_http", "_operations", "_resync"})
RECEIVING: Final = frozenset({"_receive", "_peer_app"})
JOINING: Final = frozenset({"_in_memory"})


CYTHON: Final = (".pyx", ".pxd")
_CYTHON_IMPORT: Final = re.compile(r"\s*(?:from\s+([\w.]+)\s+c?import\b|c?import\s+([\w.]+))")


@dataclass(frozen=True, slots=True)
class Import:
    where: str
    #: The imported module's dotted name (``lienthong.node._receive``), resolved when relative.
    target: str


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    #: Its dotted name: ``lienthong.node._receive``; a package's ``__init__`` is the package.
    module: str

    @classmethod
    def at(cls, path: Path) -> Source:
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        return cls(path, ".".join(parts[:-1] if parts[-1] == "__init__" else parts))

    @property
    def package(self) -> str:
        found = package_of(self.module)
        assert found is not None
        return found

    def imports(self) -> Iterator[Import]:
        """Every import in the file, wherever it stands."""
        text = self.path.read_text(encoding="utf-8")
        where = f"{self.path.relative_to(SRC.parent) if self.path.is_relative_to(SRC) else self.path}"
        if self.path.suffix in CYTHON:  # not Python to ``ast``: its import lines, read as lines
            for number, line in enumerate(text.splitlines(), 1):
                if found := _CYTHON_IMPORT.match(line):
                    yield Import(f"{where}:{number}", found[1] or found[2])
            return
        tree = ast.parse(text, filename=str(self.path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(f"{where}:{node.lineno}", alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node)
                # ``from lienthong import node`` imports the package; ``from . import _x`` a module.
                for alias in node.names:
                    yield Import(f"{where}:{node.lineno}", f"{base}.{alias.name}")
            elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield Import(f"{where}:{node.lineno}", first.value)

    def _absolute(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        package = self.module.split(".")
        if self.path.name != "__init__.py":
            package = package[:-1]  # a module's relative imports start from its package
        base = package[: len(package) - node.level + 1]
        return ".".join([*base, *([node.module] if node.module else [])])


def _is_dynamic_import(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in {"import_module", "__import__"}


def package_of(module: str) -> str | None:
    """The top-level package of lienthong a dotted name falls in (ROOT for the root's own names,
    such as ``lienthong.__version__``); None outside lienthong."""
    parts = module.split(".")
    if parts[0] != ROOT:
        return None
    if len(parts) == 1 or not ((SRC / parts[1]).is_dir() or (SRC / f"{parts[1]}.py").exists()):
        return ROOT
    return parts[1]


def sources() -> list[Source]:
    """Every source file of the package: Python, stubs and Cython, migrations included (Alembic
    loads them by path, yet they are code of ``store``)."""
    paths = [path for suffix in (".py", ".pyi", *CYTHON) for path in SRC.rglob(f"*{suffix}")]
    return [Source.at(path) for path in sorted(paths)]


def layering_violations(files: list[Source]) -> list[str]:
    problems = []
    for source in files:
        importer = source.package
        for found in source.imports():
            imported = package_of(found.target)
            if imported is None or imported == importer:
                continue
            if imported not in RANK or importer not in RANK:
                problems.append(
                    f"{found.where}: {importer} imports {imported}: a package not placed in LAYERS"
                )
                continue
            (layer, place), (imported_layer, imported_place) = RANK[importer], RANK[imported]
            if (imported_layer, imported_place) < (layer, place):
                continue
            rule = (
                f"within layer {layer}, {imported} is listed after {importer}"
                if layer == imported_layer
                else f"layer {layer} may not import layer {imported_layer}"
            )
            problems.append(f"{found.where}: {importer} imports {imported} ({found.target}): {rule}")
    return problems


def test_every_package_has_its_place_in_the_layers() -> None:
    unplaced = sorted({source.package for source in sources()} - RANK.keys())
    assert not unplaced, f"packages not placed in LAYERS (tests/test_layering.py): {unplaced}"


def test_no_package_imports_from_a_layer_above_its_own() -> None:
    problems = layering_violations(sources())
    assert not problems, "imports up the layers:\n" + "\n".join(problems)


def test_upward_imports_in_functions_relative_or_dynamic_are_found(tmp_path: Path) -> None:
    # The checker itself, on a module standing as node's would: each kind of upward import is caught.
    probe = tmp_path / "_probe.py"
    probe.write_text(
        "from __future__ import annotations\n"
        "import importlib\n"
        "from typing import TYPE_CHECKING\n"
        "from lienthong.directory import Configuration\n"
        "if TYPE_CHECKING:\n"
        "    from lienthong.portal import install_portal\n"
        "class C:\n"
        "    def f(self) -> None:\n"
        "        from lienthong.api import create_app\n"
        "        from ..console import create_console\n"
        "        from .. import server\n"
        "        importlib.import_module('lienthong.cli')\n",
        encoding="utf-8",
    )
    problems = layering_violations([Source(probe, "lienthong.node._probe")])
    assert [problem.split(": ")[1] for problem in problems] == [
        "node imports portal (lienthong.portal.install_portal)",
        "node imports api (lienthong.api.create_app)",
        "node imports console (lienthong.console.create_console)",
        "node imports server (lienthong.server)",
        "node imports cli (lienthong.cli)",
    ]
    assert problems[0] == (
        f"{probe}:6: node imports portal (lienthong.portal.install_portal): layer 4 may not import layer 5"
    )
    same_layer = layering_violations([Source(probe, "lienthong.directory._probe")])
    assert "within layer 4, node is listed after directory" not in " ".join(same_layer)
    directory_probe = tmp_path / "_directory_probe.py"
    directory_probe.write_text("from lienthong.node import receive\n", encoding="utf-8")
    assert layering_violations([Source(directory_probe, "lienthong.directory._probe")]) == [
        f"{directory_probe}:1: directory imports node (lienthong.node.receive): "
        "within layer 4, node is listed after directory"
    ]


def test_upward_imports_in_cython_sources_are_found(tmp_path: Path) -> None:
    probe = tmp_path / "_probe.pyx"
    probe.write_text("from cpython.object cimport PyObject\nfrom lienthong.store import Database\n")
    assert layering_violations([Source(probe, "lienthong.edxml._probe")]) == [
        f"{probe}:2: edxml imports store (lienthong.store): layer 1 may not import layer 3"
    ]


def test_no_noqa_excuses_an_import_inside_a_function() -> None:
    # PLC0415 is ruff's import-outside-toplevel: the layer above passes things down instead.
    excused = [
        f"{source.path.relative_to(SRC.parent)}:{number}"
        for source in sources()
        for number, line in enumerate(source.path.read_text(encoding="utf-8").splitlines(), 1)
        if "PLC0415" in line
    ]
    assert not excused, f"imports excused with noqa: PLC0415: {excused}"


def side_violations(files: list[Source]) -> list[str]:
    sides = {**dict.fromkeys(SENDING, "sending"), **dict.fromkeys(RECEIVING, "receiving")}
    problems = []
    for source in files:
        name = source.module.split(".")[2]
        if name in JOINING:
            continue
        side = sides.get(name, "leaf")
        for found in source.imports():
            if not found.target.startswith("lienthong.node._"):
                continue
            imported = found.target.split(".")[2]
            imported_side = "joining" if imported in JOINING else sides.get(imported, "leaf")
            if imported_side not in {"leaf", side}:
                problems.append(f"{found.where}: {name} ({side}) imports {imported} ({imported_side})")
    return list(dict.fromkeys(problems))  # one line per import statement, not per name imported


def test_node_sending_and_receiving_sides_share_only_leaves() -> None:
    node = [source for source in sources() if source.module.startswith("lienthong.node._")]
    missing = (SENDING | RECEIVING | JOINING) - {source.module.split(".")[2] for source in node}
    assert not missing, f"tests/test_layering.py names node modules that are gone: {sorted(missing)}"
    problems = side_violations(node)
    assert not problems, "node's sides meet outside its leaves:\n" + "\n".join(problems)


def test_a_side_importing_the_other_or_a_leaf_importing_a_side_is_found(tmp_path: Path) -> None:
    # The knots there were: the receiving side took a private helper of the sending side, and
    # the transport (a leaf the sending side and the trace need) called the receiving side.
    receive, transport = tmp_path / "_receive.py", tmp_path / "_transport.py"
    receive.write_text("from lienthong.node._submit import _status_entry\n", encoding="utf-8")
    transport.write_text("from lienthong.node._receive import receive\n", encoding="utf-8")
    assert side_violations(
        [Source(receive, "lienthong.node._receive"), Source(transport, "lienthong.node._transport")]
    ) == [
        f"{receive}:1: _receive (receiving) imports _submit (sending)",
        f"{transport}:1: _transport (leaf) imports _receive (receiving)",
    ]
