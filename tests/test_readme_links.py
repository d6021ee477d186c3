"""Every document a user needs is in the repository: each relative link of README.md and
docs/*.md names a file of the repository, and no document points outside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Markdown links and images: ``[text](target)``, ``![alt](target "title")``.
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
#: Paths a reader cannot follow from a clone: the author's tree beside it, absolute paths.
_OUTSIDE = re.compile(r"\.\./shared/|shared/reference/|/work/")


def _relative_links(document: Path) -> list[str]:
    targets = _LINK.findall(document.read_text(encoding="utf-8"))
    return [t for t in targets if not re.match(r"^[a-z][a-z0-9+.-]*:|^#", t)]


def test_documents_are_found() -> None:
    names = {d.relative_to(ROOT).as_posix() for d in DOCUMENTS}
    assert {"README.md", "docs/EDXML.md", "docs/DESIGN.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_relative_link_names_a_file_in_the_repository(document: Path) -> None:
    broken = []
    for target in _relative_links(document):
        path = (document.parent / target.split("#", 1)[0]).resolve()
        if not path.is_relative_to(ROOT) or not path.is_file():
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_no_document_points_outside_the_repository(document: Path) -> None:
    assert _OUTSIDE.findall(document.read_text(encoding="utf-8")) == []


def test_readme_links_the_reference_and_the_design() -> None:
    links = set(_relative_links(ROOT / "README.md"))
    assert {"docs/EDXML.md", "docs/DESIGN.md"} <= links
