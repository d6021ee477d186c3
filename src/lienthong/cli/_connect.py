"""How the client commands name their node, and errors that say what to do about it.

The node is named by ``--url``/``--token``/``--ca`` (or ``LIENTHONG_API_URL``,
``LIENTHONG_API_TOKEN``, ``LIENTHONG_CA``), or by ``--network network.json --node NAME`` as
``lienthong demo --state-dir`` writes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from lienthong._i18n import msg, say
from lienthong.client import ENV_CA, ENV_TOKEN, ENV_URL, Client, ClientError, TlsUntrusted, read_network

Url = Annotated[str | None, typer.Option("--url", envvar=ENV_URL, help=say("help-connect-url"))]
Token = Annotated[str | None, typer.Option("--token", envvar=ENV_TOKEN, help=say("help-connect-token"))]
Ca = Annotated[Path | None, typer.Option("--ca", envvar=ENV_CA, help=say("help-connect-ca"))]
Network = Annotated[
    Path | None,
    typer.Option("--network", envvar="LIENTHONG_NETWORK", help=say("help-connect-network")),
]
Node = Annotated[str | None, typer.Option("--node", envvar="LIENTHONG_NODE", help=say("help-connect-node"))]


def _client(
    url: str | None, token: str | None, ca: Path | None, network: Path | None, node: str | None
) -> Client:
    if network is not None:
        # Explicit flags win over what the file says.
        net_url, net_token, net_ca = read_network(network, node)
        url, token, ca = url or net_url, token or net_token, ca or net_ca
    if not url:
        raise ClientError(msg("cli-node-unnamed", variable=ENV_URL), code="node-unnamed")
    return Client(url, token=token, verify=ca if ca is not None else True)


@contextmanager
def connect(
    url: str | None, token: str | None, ca: Path | None, network: Path | None, node: str | None
) -> Iterator[Client]:
    """The SDK client the flags name, closed after; a TLS trust failure says which flags fix it."""
    try:
        with _client(url, token, ca, network, node) as api:
            yield api
    except TlsUntrusted as exc:
        raise ClientError(msg("cli-tls-untrusted-hint", problem=exc.message), code=exc.code) from exc
