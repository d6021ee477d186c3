"""``POST /v1/statistics`` and the portal's forms on a real directory (mutual TLS optional, on
loopback, in a thread: the memory measured is this process's): a report from no registered node
is refused before it is read, and every body is capped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from directory.directory_servers import Clock, Directory, running_directory
from lienthong.net import client_context
from lienthong.statistics import CONTENT_TYPE
from lienthong.store import StatisticsStore
from portal.portal_support import register_node
from support.bodies import BOUND, Flood, MiB, peak_growth, post_flood
from support.pki import Tls


@pytest.fixture
def directory(database_url: str, tmp_path: Path, tls: Tls) -> Iterator[Directory]:
    with running_directory(database_url, tmp_path / "dir", tls, clock=Clock()) as running:
        register_node(running.registry, tls)
        yield running


def _client(tls: Tls, identity: tuple[Path, Path] | None) -> httpx.Client:
    certificate, key = identity or (None, None)
    return httpx.Client(verify=client_context(anchors=tls.root, certificate=certificate, key=key), timeout=60)


def _documents(directory: Directory) -> int:
    with StatisticsStore.begin(directory.registry.database) as store:
        return store.totals().documents


def _flooded(
    directory: Directory, client: httpx.Client, path: str, flood: Flood, headers: dict[str, str]
) -> httpx.Response:
    with peak_growth(os.getpid()) as growth:
        answer = post_flood(client, directory.url + path, flood, headers)
    assert growth.bytes < BOUND, (path, growth.bytes)
    assert flood.sent < flood.total, path
    assert _documents(directory) == 0
    assert answer is not None, path
    return answer


@pytest.mark.parametrize("who", ["no certificate", "a certificate of no registered node"])
def test_a_report_from_no_registered_node_is_refused_before_it_is_read(
    directory: Directory, tls: Tls, who: str
) -> None:
    identity = None if who == "no certificate" else tls.server  # the network's, not a node's
    with _client(tls, identity) as client:
        answer = _flooded(
            directory, client, "/v1/statistics", Flood(600 * MiB), {"Content-Type": CONTENT_TYPE}
        )
    assert answer.status_code == 401 and answer.json()["code"] == "client-certificate-required", answer


@pytest.mark.parametrize("length", ["chunked", "declared"])
def test_a_report_over_its_cap_is_refused_with_413(directory: Directory, tls: Tls, length: str) -> None:
    flood = Flood(200 * MiB)
    headers = {"Content-Type": CONTENT_TYPE}
    if length == "declared":
        headers["Content-Length"] = str(flood.total)
    with _client(tls, tls.node) as client:
        answer = _flooded(directory, client, "/v1/statistics", flood, headers)
    assert answer.status_code == 413 and answer.json()["code"] == "body-too-large", answer


@pytest.mark.parametrize("length", ["chunked", "declared"])
@pytest.mark.parametrize("path", ["/portal/login", "/portal/admin/regulations", "/portal/logout"])
def test_a_portal_form_is_capped_and_read_only_when_its_session_is_known(
    directory: Directory, tls: Tls, path: str, length: str
) -> None:
    flood = Flood(200 * MiB)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if length == "declared":
        headers["Content-Length"] = str(flood.total)
    with _client(tls, None) as client:
        answer = _flooded(directory, client, path, flood, headers)
    if length == "declared" or path == "/portal/login":  # logging in reads the form: it has no session
        assert answer.status_code == 413 and answer.json()["code"] == "body-too-large", answer
    else:  # refused (no session) or done (logging out) without a look at the form
        assert answer.status_code in (303, 401), answer
