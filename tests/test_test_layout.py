"""The tests mirror the source tree, and the test PKI is made in one module (issue #14).

``tests/<package>/test_<module>.py`` tests ``lienthong.<package>`` (``tests/node/test_receive.py``,
never ``tests/node/test_node_receive.py``); every test directory is a package, so the same file
name in two directories is two modules. Certificates, keys and CRLs come from
``tests/support/pki.py`` only: a second PKI maker drifts from the first.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SOURCE = TESTS.parent / "src" / "lienthong"
REPOSITORY = TESTS.parent
#: Test directories that mirror no package: shared helpers and fixture files.
HELPERS = {"support", "data"}
#: Test directories of a top-level folder of the repository rather than of a package.
FOLDERS = {"deploy"}
PKI_MODULE = TESTS / "support" / "pki.py"
#: Calls that make a CA, a certificate, a key or a CRL.
PKI_MAKING = re.compile(
    r"\bPki\.init\(|\b(?:Certificate|CertificateRevocationList|RevokedCertificate)Builder\(|"
    r"\bgenerate_private_key\(|\bmake_ca\("
)
#: Where a PKI-making call is the thing under test, not a fixture.
PKI_UNDER_TEST = {
    # ``Pki.init`` refusing a home that already holds a PKI.
    TESTS / "trust" / "test_pki.py",
}


def _test_directories() -> list[Path]:
    return sorted(
        path
        for path in TESTS.rglob("*")
        if path.is_dir()
        and "__pycache__" not in path.parts
        and path.relative_to(TESTS).parts[0] not in HELPERS
    )


def test_every_test_directory_mirrors_a_package_of_lienthong() -> None:
    strays = [
        str(directory.relative_to(TESTS))
        for directory in _test_directories()
        if not (SOURCE / directory.relative_to(TESTS) / "__init__.py").is_file()
        and directory.relative_to(TESTS).parts[0] not in FOLDERS
    ]
    assert strays == [], f"test directories with no package of src/lienthong: {strays}"


def test_every_test_directory_is_a_package() -> None:
    directories = [*_test_directories(), TESTS / "support"]
    missing = [str(d.relative_to(TESTS)) for d in directories if not (d / "__init__.py").is_file()]
    assert missing == [], f"test directories without __init__.py: {missing}"


def test_no_test_file_repeats_its_directory_as_a_prefix() -> None:
    repeated = [
        str(path.relative_to(TESTS))
        for directory in _test_directories()
        for path in directory.glob("test_*.py")
        if path.stem == f"test_{directory.name}" or path.stem.startswith(f"test_{directory.name}_")
    ]
    assert repeated == [], f"name them after the module they test, not the package: {repeated}"


def test_no_test_package_shadows_a_module_the_project_imports() -> None:
    """``tests`` is first on ``sys.path``: ``tests/statistics`` is the ``statistics`` everyone
    imports, so nothing may import the standard library's (``mean`` is one line)."""
    shadowed = {d.name for d in _test_directories() if d.parent == TESTS} & set(sys.stdlib_module_names)
    importers = []
    for root in ("src", "tests", "bench", "samples", "scripts"):
        for path in (REPOSITORY / root).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_bytes())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                if any(name.split(".")[0] in shadowed for name in names):
                    importers.append(f"{path.relative_to(REPOSITORY)}:{node.lineno}")
    assert importers == [], f"standard modules shadowed by test packages {sorted(shadowed)}: {importers}"


def test_only_the_pki_module_makes_certificates_keys_and_crls() -> None:
    makers = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path not in {PKI_MODULE, Path(__file__).resolve(), *PKI_UNDER_TEST}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PKI_MAKING.search(line)
    ]
    assert makers == [], f"make them in tests/support/pki.py (a plan or build_pki): {makers}"


def test_the_pki_module_makes_them() -> None:
    """The check above looks for the calls the PKI module makes: it would miss nothing else."""
    text = PKI_MODULE.read_text(encoding="utf-8")
    assert len(PKI_MAKING.findall(text)) >= 5, "tests/support/pki.py changed: update PKI_MAKING"
