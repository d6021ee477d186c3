"""The reader's compiled parts, used when they were built and are current (see setup.py).

``_ctree`` walks lxml's tree in C (``_tree.to_node`` picks it up); ``_reader_c`` is
``_reader.py`` compiled, stamped with the SHA-256 of the source it was built from, and used
only while ``_reader.py`` still has that digest: an edited reader that was not rebuilt runs
from its source, never as stale machine code.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Final, Protocol

from lienthong.edxml import _reader, _tree
from lienthong.edxml._content import AttachmentSink
from lienthong.edxml._limits import Limits
from lienthong.edxml._model import Package
from lienthong.edxml._xml import ParsedXML


class ReadPackage(Protocol):
    def __call__(self, parsed: ParsedXML, *, sink: AttachmentSink, limits: Limits) -> Package: ...


def _current_reader() -> ReadPackage | None:
    try:
        compiled = importlib.import_module("lienthong.edxml._reader_c")
    except ImportError:
        return None
    source = Path(_reader.__file__).read_bytes()
    if getattr(compiled, "BUILT_FROM", None) != hashlib.sha256(source).hexdigest():
        return None
    reader: ReadPackage = compiled.read_package
    return reader


_compiled_reader: Final = _current_reader()

#: ``_reader.read_package``, compiled when a current build of it is installed.
read_package: Final[ReadPackage] = _compiled_reader or _reader.read_package


def compiled_parts() -> dict[str, bool]:
    """Which parts of reading run compiled: the tree walk, the reader."""
    return {"tree_walk": _tree.to_node is not _tree.py_to_node, "reader": _compiled_reader is not None}
