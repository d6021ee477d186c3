"""The node-side configuration client against real directories over TLS on loopback."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from directory.directory_servers import (
    AFTER,
    BEFORE,
    REORG,
    Clock,
    pre_reorganisation,
    running_directory,
)
from lienthong._i18n import Message
from lienthong.directory import (
    CONTENT_TYPE,
    CodeClosed,
    ConfigurationAnchor,
    ConfigurationClient,
    ConfigurationExpired,
    ConfigurationMissing,
    DirectoryKey,
    DirectoryKeyError,
    DirectorySnapshot,
    RefreshOutcome,
    RefreshState,
    RefusalReason,
    build_configuration,
    generate_directory_key,
    pin_anchor,
)
from lienthong.net import ServerThread, client_context, serve_in_thread, server_context
from support.pki import Tls

KEY = generate_directory_key("lienthong directory", not_before=BEFORE - timedelta(days=30))


def _client(
    tls: Tls, cache: Path, url: str, clock: Clock, key: DirectoryKey = KEY, **options: object
) -> ConfigurationClient:
    anchor = ConfigurationAnchor(key.certificate, directory="lienthong", url=url)
    return ConfigurationClient(
        anchor,
        cache=cache,
        tls=client_context(anchors=tls.root, certificate=tls.node[0], key=tls.node[1]),
        clock=clock,
        **options,  # type: ignore[arg-type]
    )


def test_a_node_keeps_routing_while_the_directory_is_down_until_expiry(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    clock = Clock(BEFORE)
    cache = tmp_path / "node" / "network.conf"
    cache.parent.mkdir()
    with running_directory(
        database_url, tmp_path / "home", tls, clock=clock, key=KEY, valid_for=timedelta(hours=1)
    ) as directory:
        directory.registry.add_node("bac-ninh", "https://bn.example", serves=["000.00.00.H05"], actor="t")
        client = _client(tls, cache, directory.url, clock)
        with pytest.raises(ConfigurationMissing):
            client.route("000.00.00.H05")
        first = client.refresh()
        assert (first.state, first.version) == (RefreshState.UPDATED, directory.registry.version())
        assert client.refresh().state is RefreshState.UNCHANGED  # 304: nothing new
    # The directory process is gone: fetching fails, routing goes on from the copy held.
    down = client.refresh()
    assert down.state is RefreshState.UNREACHABLE and down.version == first.version
    assert client.node_for("000.00.00.H05").name == "bac-ninh"
    # A restarted node routes from its disk cache alone.
    restarted = _client(tls, cache, "https://127.0.0.1:9", clock)
    assert restarted.current is not None and restarted.current.version == first.version
    assert restarted.node_for("000.00.00.H05").name == "bac-ninh"
    clock.advance(timedelta(minutes=59))
    assert client.node_for("000.00.00.H05").name == "bac-ninh"
    clock.advance(timedelta(minutes=1))
    for node in (client, restarted):
        with pytest.raises(ConfigurationExpired) as expired:
            node.node_for("000.00.00.H05")
        assert expired.value.expired_at == BEFORE + timedelta(hours=1)
        node.close()


def _hostile(tls: Tls, body: bytes) -> ServerThread:
    """A server that answers ``GET /v1/config`` with ``body``, whatever it is."""

    async def config(_request: Request) -> Response:
        return Response(body, media_type=CONTENT_TYPE)

    context = server_context(certificate=tls.server[0], key=tls.server[1], client_anchors=None)
    return serve_in_thread(Starlette(routes=[Route("/v1/config", config)]), context)


def test_refused_configurations_leave_the_cached_one_in_use(
    database_url: str, tmp_path: Path, tls: Tls
) -> None:
    clock = Clock(BEFORE)
    cache = tmp_path / "network.conf"
    with running_directory(database_url, tmp_path / "home", tls, clock=clock, key=KEY) as directory:
        for n in range(3):
            directory.registry.add_node(
                f"n{n}", f"https://n{n}.example", serves=[f"000.00.00.H{n + 5:02d}"], actor="t"
            )
        with _client(tls, cache, directory.url, clock) as client:
            assert client.refresh().state is RefreshState.UPDATED
            genuine = client.current
            assert genuine is not None
        saved = cache.read_bytes()

    def refused(url: str) -> RefreshOutcome:
        with _client(tls, cache, url, clock) as node:
            outcome = node.refresh()
            assert outcome.state is RefreshState.REFUSED, outcome.summary()
            assert outcome.message and outcome.reason is not None
            assert node.current is not None and node.current.version == genuine.version
            assert node.node_for("000.00.00.H05").name == "n0"
        assert cache.read_bytes() == saved
        return outcome

    # Another directory (its own key) over real TLS: refused, cached copy kept.
    with running_directory(
        f"sqlite:///{tmp_path / 'rogue.db'}", tmp_path / "rogue", tls, clock=clock
    ) as rogue:
        assert refused(rogue.url).reason is RefusalReason.OTHER_DIRECTORY
    # Our directory's key, but a registry at an older version: a rollback, refused.
    with running_directory(
        f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "old", tls, clock=clock, key=KEY
    ) as old:
        outcome = refused(old.url)
        assert outcome.reason is RefusalReason.OLDER_VERSION
        assert (
            isinstance(outcome.message, Message)
            and outcome.message.code == "directory-configuration-rollback"
        )
        assert outcome.message.params["held"] == genuine.version
        assert f"({genuine.version}): rollback refused" in outcome.message.render("en")
        assert f"({genuine.version}): từ chối quay lui" in outcome.message.render("vi")
    # The genuine bytes, one byte altered in transit.
    tampered = bytearray(saved)
    tampered[-20] ^= 0x01
    server = _hostile(tls, bytes(tampered))
    try:
        assert refused(server.url).reason is RefusalReason.BAD_SIGNATURE
    finally:
        server.stop()


def test_background_refresh_follows_changes_and_stops(database_url: str, tmp_path: Path, tls: Tls) -> None:
    clock = Clock(BEFORE)
    outcomes: list[RefreshOutcome] = []
    target: list[int] = []
    reached, failing = threading.Event(), threading.Event()

    def seen(outcome: RefreshOutcome) -> None:
        outcomes.append(outcome)
        if target and outcome.version is not None and outcome.version >= target[0]:
            reached.set()
        if sum(o.state is RefreshState.UNREACHABLE for o in outcomes) >= 2:
            failing.set()

    with running_directory(
        database_url, tmp_path / "home", tls, clock=clock, key=KEY, seed=pre_reorganisation()
    ) as directory:
        client = _client(
            tls,
            tmp_path / "c.conf",
            directory.url,
            clock,
            interval=timedelta(milliseconds=20),
            on_refresh=seen,
        )
        directory.registry.add_node("bac-giang", "https://bg.example", serves=["000.00.00.H02"], actor="t")
        client.start()
        directory.registry.reorganize(REORG, actor="t")
        target.append(directory.registry.version())
        assert reached.wait(timeout=20), [o.summary() for o in outcomes]
    assert failing.wait(timeout=20), [o.summary() for o in outcomes]  # backs off, keeps trying
    client.close()
    count = len(outcomes)
    assert client.node_for("000.00.00.H02", at=BEFORE).name == "bac-giang"
    with pytest.raises(CodeClosed):
        client.node_for("000.00.00.H02", at=AFTER)
    assert len(outcomes) == count  # stopped: no refresh after close


def test_an_anchor_needs_a_url(tmp_path: Path, tls: Tls) -> None:
    with pytest.raises(DirectoryKeyError):
        ConfigurationClient(KEY.anchor(), cache=tmp_path / "c.conf", tls=client_context(anchors=tls.root))


def test_a_cache_signed_by_a_key_another_process_pinned_is_loaded_with_the_pin(
    tmp_path: Path, tls: Tls
) -> None:
    # Another process of the node switched keys after this one read its anchor: it pinned the
    # new key before writing the cache, so this one finds the pin and keeps the cache.
    new = generate_directory_key("lienthong directory 2", not_before=BEFORE - timedelta(days=30))
    cache, pin = tmp_path / "configuration.json", tmp_path / "anchor.pinned.json"
    cache.write_bytes(
        build_configuration(DirectorySnapshot(version=3), new, directory="lienthong", issued_at=BEFORE)
    )
    pin_anchor(pin, new.anchor(directory="lienthong", url="https://directory.example"))
    client = _client(tls, cache, "https://directory.example", Clock(), pin=pin)
    assert client.current is not None and client.current.version == 3
    assert client.anchor.fingerprint == new.fingerprint
    unpinned = _client(tls, cache, "https://directory.example", Clock())
    assert unpinned.current is None  # without the pin the new key is a stranger
