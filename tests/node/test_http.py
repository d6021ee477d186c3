"""``HttpTransport`` after a TLS certificate reload: each delivery thread makes new connections
(presenting the new certificate) from its next delivery on, and closes its old ones itself."""

from __future__ import annotations

import threading

import httpx

from lienthong.net import client_context
from lienthong.node import HttpTransport
from support.pki import Tls

PEER = "https://127.0.0.1:1"


def test_renew_gives_each_thread_a_new_client_and_closes_its_old_one_between_requests(tls: Tls) -> None:
    with HttpTransport(
        tls=client_context(anchors=tls.root, certificate=tls.node[0], key=tls.node[1])
    ) as transport:
        old = transport._client(PEER)
        assert transport._client(PEER) is old  # kept: one connection per peer and thread
        elsewhere: list[httpx.Client] = []
        other = threading.Thread(target=lambda: elsewhere.append(transport._client(PEER)))
        other.start()
        other.join()
        transport.renew()
        assert not old.is_closed  # a delivery on it may be under way: its thread closes it
        new = transport._client(PEER)
        assert new is not old and old.is_closed
        assert elsewhere[0] is not new and not elsewhere[0].is_closed
