"""Fixtures of the trust tests: the TRUST plan of the test PKI (``support.pki``)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.pki import TRUST, PkiPlan


@pytest.fixture(scope="session")
def pki_plan() -> PkiPlan:
    return TRUST


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("trust-work")


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Problem sentences in English, so assertions do not depend on LIENTHONG_LANG."""
    from lienthong._i18n import language, set_language

    before = language()
    set_language("en")
    yield
    set_language(before)
