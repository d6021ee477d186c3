"""Admin bodies sent to a real directory (TLS on loopback, in a thread: the memory measured is
this process's) without a token, or over their cap, are refused before they are read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from directory.directory_servers import Clock, Directory, running_directory
from lienthong.net import client_context
from support.bodies import BOUND, Flood, MiB, peak_growth, post_flood
from support.pki import Tls


@pytest.fixture
def directory(database_url: str, tmp_path: Path, tls: Tls) -> Iterator[Directory]:
    with running_directory(database_url, tmp_path / "dir", tls, clock=Clock()) as running:
        yield running


@pytest.fixture
def client(tls: Tls) -> Iterator[httpx.Client]:
    with httpx.Client(verify=client_context(anchors=tls.root), timeout=60) as http:
        yield http


def _changes(directory: Directory) -> int:
    return len(directory.registry.audit(limit=10_000))


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/admin/agencies/import", {"Content-Type": "text/csv"}),
        ("/v1/admin/reorganize", {"Content-Type": "text/csv"}),
        ("/v1/admin/agencies", {"Content-Type": "application/json"}),
    ],
)
def test_an_admin_body_without_token_is_refused_before_it_is_read(
    directory: Directory, client: httpx.Client, path: str, headers: dict[str, str]
) -> None:
    before = _changes(directory)
    flood = Flood(400 * MiB)
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, directory.url + path, flood, headers)
    assert growth.bytes < BOUND, growth.bytes
    assert answer is not None and answer.status_code == 401, answer
    assert answer.json()["code"] == "authentication-required"
    assert flood.sent < flood.total and _changes(directory) == before


@pytest.mark.parametrize("length", ["chunked", "declared"])
def test_an_admin_import_over_its_cap_is_refused_with_413(
    directory: Directory, client: httpx.Client, length: str
) -> None:
    before = _changes(directory)
    flood = Flood(200 * MiB)
    headers = {"Content-Type": "text/csv", "Authorization": f"Bearer {directory.tokens['alice']}"}
    if length == "declared":
        headers["Content-Length"] = str(flood.total)
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, f"{directory.url}/v1/admin/agencies/import", flood, headers)
    assert growth.bytes < BOUND, growth.bytes
    assert answer is not None and answer.status_code == 413 and answer.json()["code"] == "body-too-large"
    assert flood.sent < flood.total and _changes(directory) == before


def test_an_admin_import_within_its_cap_is_read(directory: Directory, client: httpx.Client) -> None:
    csv = 'code,class,name,valid_from,valid_to,successor,note\n000.00.00.G01,G,"Bộ Công an",,,,\n'.encode()
    headers = {"Content-Type": "text/csv", "Authorization": f"Bearer {directory.tokens['alice']}"}
    answer = client.post(f"{directory.url}/v1/admin/agencies/import", content=iter([csv]), headers=headers)
    assert answer.status_code == 200 and answer.json() == {"changed": 0}, answer.text
