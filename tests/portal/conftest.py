from pathlib import Path

import pytest

from directory.directory_servers import Tls, make_tls
from support.databases import database, database_url

__all__ = ["database", "database_url", "tls"]


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """One network PKI for the whole session: making RSA keys is slow."""
    return make_tls(Path(tmp_path_factory.mktemp("tls")))
