"""Texts a test adds to the message catalogue for codes of its own (a refusal a node may send),
so that it does not depend on another package's wording."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from lienthong import _i18n
from lienthong._i18n import Language


def add_texts(monkeypatch: pytest.MonkeyPatch, texts: Mapping[str, Mapping[str, str]]) -> None:
    """Make ``catalogue(lang)`` (hence ``render``) know ``texts`` too: ``{code: {lang: text}}``."""
    real = _i18n.catalogue

    def catalogue(language: Language) -> Mapping[str, str]:
        return {**real(language), **{code: by[language] for code, by in texts.items()}}

    monkeypatch.setattr(_i18n, "catalogue", catalogue)
