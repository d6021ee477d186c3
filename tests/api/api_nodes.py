"""Real node processes serving their APIs over TLS, for tests that cross a process boundary
(the SDK, schemathesis): the end-to-end network of ``tests/node`` (SQLite), plus each node's
API URL and the anchors a client verifies it with.
"""

from __future__ import annotations

import re
import select
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lienthong.api import add_client
from node.e2e_network import E2ENetwork, NodeProcess, e2e_network

_URL = re.compile(r"https://[0-9.]+:[0-9]+")


def api_url(node: NodeProcess, timeout: float = 60.0) -> str:
    """The second URL ``node serve`` prints (the API's), read from its output with a deadline."""
    popen = node.process
    assert popen is not None and popen.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([popen.stdout], [], [], 0.5)
        if ready:
            found = _URL.search(popen.stdout.readline().decode(errors="replace"))
            if found:
                return found.group(0)
    raise AssertionError(f"{node.name} printed no API URL")


@dataclass
class LiveApi:
    net: E2ENetwork
    #: The API's base URL, by node name.
    urls: dict[str, str]

    def anchors(self, node: str) -> Path:
        """The PEM a client verifies ``node``'s API certificate with."""
        return self.net.client_files(node)[2]

    def restart(self, node: str) -> None:
        """Start ``node`` again (it was stopped); its API listens on a new port."""
        process = self.net.nodes[node]
        process.start()
        self.urls[node] = api_url(process)

    def token(self, node: str, name: str, codes: list[str]) -> str:
        issued = add_client(self.net.database(node), name, codes=codes, at=datetime.now(UTC))
        assert issued.token is not None
        return issued.token


def live_api(
    base: Path, *, options: tuple[str, ...] = (), node_options: Mapping[str, tuple[str, ...]] | None = None
) -> Iterator[LiveApi]:
    """Start the network (``options`` added to each ``node serve``, ``node_options`` to one node's;
    stop it after); the APIs' URLs read as the nodes print them."""
    for net in e2e_network("sqlite", base, options=options, node_options=node_options):
        yield LiveApi(net, {name: api_url(node) for name, node in net.nodes.items()})
