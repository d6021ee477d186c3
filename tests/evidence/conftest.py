from collections.abc import Iterator

import pytest

from node.node_network import network
from support.databases import database_url

__all__ = ["database_url", "english", "network"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Problem sentences in English, so assertions do not depend on LIENTHONG_LANG."""
    from lienthong._i18n import language, set_language

    before = language()
    set_language("en")
    yield
    set_language(before)
