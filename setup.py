"""The package's optional C extensions; everything else about the build is in pyproject.toml.

Two extensions make reading a package cost about twice libxml2's own parse, not five times:

- ``lienthong.edxml._ctree`` (Cython, against lxml's public C API) reads the parsed tree
  without a Python object per element;
- ``lienthong.edxml._reader_c`` is ``_reader.py`` itself compiled, with the C types of
  ``_reader.pxd``, and stamped with the SHA-256 of the source it was built from: it is used
  only while ``_reader.py`` still has that digest, so an edit without a rebuild falls back to
  the Python source instead of running stale code.

Without Cython or a C compiler the package still builds and runs, in pure Python, only slower.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from setuptools import Extension, setup

_PACKAGE = Path("src/lienthong/edxml")
_BUILD = Path("build/cython")


def _stamped_reader() -> Path:
    """A copy of _reader.py (and its .pxd) named _reader_c, ending with its source's digest."""
    source = (_PACKAGE / "_reader.py").read_bytes()
    target = _BUILD / "lienthong" / "edxml"
    target.mkdir(parents=True, exist_ok=True)
    for package in (target.parent, target):  # Cython finds the .pxd by the module's package
        (package / "__init__.py").touch()
    stamp = f'\nBUILT_FROM = "{hashlib.sha256(source).hexdigest()}"\n'.encode()
    (target / "_reader_c.py").write_bytes(source + stamp)
    shutil.copyfile(_PACKAGE / "_reader.pxd", target / "_reader_c.pxd")
    return target / "_reader_c.py"


def _extensions() -> list[Extension]:
    try:
        import lxml
        from Cython.Build import cythonize
    except ImportError:  # a build without the [build-system] requirements: pure Python
        return []
    extensions = [
        Extension(
            "lienthong.edxml._ctree",
            [str(_PACKAGE / "_ctree.pyx")],
            include_dirs=lxml.get_include(),
            optional=True,  # no C compiler: install anyway, without it
        ),
        Extension("lienthong.edxml._cslots", [str(_PACKAGE / "_cslots.pyx")], optional=True),
        Extension("lienthong.edxml._reader_c", [str(_stamped_reader())], optional=True),
    ]
    # Generated C goes under build/, not beside the sources; annotations stay Python's (not
    # C type checks), so the compiled reader behaves exactly as its source does.
    return cythonize(
        extensions,
        build_dir=str(_BUILD / "c"),
        compiler_directives={"language_level": 3, "annotation_typing": False},
    )


setup(ext_modules=_extensions())
