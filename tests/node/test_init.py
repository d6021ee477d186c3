"""``node init`` with a libpq multi-host database URL: kept as written in ``node.json``, and
the node's database opens and migrates through it (PostgreSQL picks the server that accepts
writes: here the suite's one server named twice)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from lienthong.directory import generate_directory_key
from lienthong.node import NodeHome, init_home
from lienthong.store import current_revision, head_revision
from node.node_network import SENDER
from support.databases import POSTGRES
from support.pki import build_pki


@pytest.fixture
def multi_host_url() -> Iterator[str]:
    """The suite's PostgreSQL named twice in libpq's form, in a fresh schema."""
    parts = conninfo_to_dict(POSTGRES)
    host, port = parts.get("host", "127.0.0.1"), parts.get("port", "5432")
    user = f"{parts['user']}@" if parts.get("user") else ""
    schema = f"lt_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield (
                f"postgresql+psycopg://{user}{host}:{port},{host}:{port}/{parts.get('dbname', 'test')}"
                f"?target_session_attrs=read-write&options=-csearch_path%3D{schema}"
            )
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_node_init_keeps_a_multi_host_database_url(tmp_path: Path, multi_host_url: str) -> None:
    at = datetime.now(UTC) - timedelta(days=1)
    build_pki(tmp_path / "pki", at=at, name="Lienthong Hosts", agencies=[SENDER], nodes=["nghe-an"])
    key = generate_directory_key("hosts directory", not_before=at)
    anchor = tmp_path / "anchor.json"
    anchor.write_text(key.anchor(directory="test").to_json(), encoding="utf-8")
    init_home(
        tmp_path / "nghe-an", name="nghe-an", anchor=anchor, at=at, pki=tmp_path / "pki", agencies=(SENDER,),
        database_url=multi_host_url, directory_url="https://127.0.0.1:1",
    )  # fmt: skip
    assert json.loads((tmp_path / "nghe-an" / "node.json").read_text("utf-8"))["database"] == multi_host_url
    home = NodeHome.load(tmp_path / "nghe-an")
    assert home.database_url == multi_host_url
    with home.open_database() as database:
        assert current_revision(database) == head_revision()
