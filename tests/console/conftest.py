from pathlib import Path

import pytest

from node.node_network import network
from support.databases import database

__all__ = ["database", "database_url", "network"]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the console reads the store through the same functions the node and API
    tests already run on both backends."""
    return f"sqlite:///{tmp_path / 'test.db'}"
