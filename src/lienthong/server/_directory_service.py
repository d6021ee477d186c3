"""The directory's web application, portal included, and the service that serves it over TLS.

``DirectorySettings`` is read once (from the CLI's options) and frozen; ``DirectoryService``
loads the signing key once, opens the registry and the admins file, and serves
``create_directory_app(...)`` with ``lienthong.net`` on a loopback socket it binds first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from fastapi import FastAPI

from lienthong._clock import Clock, utc_now
from lienthong._i18n import msg
from lienthong.directory import (
    DEFAULT_VALIDITY,
    AdminFile,
    ConfigurationPublisher,
    DirectoryKey,
    DirectoryKeyError,
    DirectoryRegistry,
    KeyFile,
    SigningKeys,
    answer_error,
    create_app,
)
from lienthong.net import (
    ServerThread,
    bind,
    capture_peer_certificates,
    serve_forever,
    serve_in_thread,
    server_context,
)
from lienthong.portal import install_portal
from lienthong.statistics import CertificateSource
from lienthong.store import sqlite_files
from lienthong.trust import is_pkcs11_uri, load_certificates


def create_directory_app(
    *,
    registry: DirectoryRegistry,
    publisher: ConfigurationPublisher,
    admins: AdminFile,
    clock: Clock = utc_now,
    certificates: CertificateSource | None = None,
) -> FastAPI:
    """The directory's API (``lienthong.directory.create_app``: ``/v1/config`` for every member,
    ``/v1/admin/…`` for admins) with the statistics intake, the portal (``/portal/``) and
    ``/metrics`` (``lienthong.portal``) mounted on it; ``certificates`` (its own) are watched for
    expiry there."""
    app = create_app(registry=registry, publisher=publisher, admins=admins)
    metrics = install_portal(app, registry=registry, admins=admins, clock=clock, answer=answer_error)
    if certificates is not None:
        metrics.watch_certificates(certificates)
    return app


def _own_certificates(keys: SigningKeys, tls_certificate: Path) -> CertificateSource:
    """The directory's configuration-signing certificate (the one switched to, and the next one
    announced) and its TLS chain, the files re-read at each scrape (a renewed certificate shows
    without a restart)."""

    def certificates() -> list[tuple[str, x509.Certificate]]:
        tls = load_certificates(tls_certificate)
        roles = ["tls", *(["chain"] * (len(tls) - 1))]
        state = keys.state()
        following = (
            [] if state.next_certificate is None else [("configuration-signing-next", state.next_certificate)]
        )
        return [("configuration-signing", state.key.certificate), *following, *zip(roles, tls, strict=True)]

    return certificates


@dataclass(frozen=True, slots=True)
class DirectorySettings:
    """Everything a directory server needs, read once at start-up."""

    database_url: str
    #: The directory's home: ``admins.json`` lives here.
    home: Path
    #: The configuration-signing key (a PEM file, or a ``pkcs11:`` URI) and its certificate (PEM).
    signing_key: Path | str
    signing_certificate: Path
    #: The server's TLS certificate chain and key (PEM).
    tls_certificate: Path
    tls_key: Path
    #: Roots a client certificate must chain to, when one is given (it is optional).
    client_anchors: Path | None = None
    #: The network's name, written in every configuration.
    directory: str = "lienthong"
    valid_for: timedelta = DEFAULT_VALIDITY
    #: The RFC 3161 service the configuration names for time-stamping package signatures.
    timestamp_url: str | None = None
    host: str = "127.0.0.1"
    #: 0: a free port, chosen by the kernel.
    port: int = 0

    def secret_paths(self) -> list[Path]:
        """What only the directory's owner may read: the keys, the SQLite database and its log,
        the admins' file, and the home when it holds one (by default the working directory)."""
        admins = AdminFile.in_home(self.home).path
        home = [self.home] if admins.exists() else []
        keys = [self.signing_key] if isinstance(self.signing_key, Path) else []  # a token's is not a file
        # The keys announced or switched to (``directory key …``) are as secret as --key.
        rolled = KeyFile.read(self.home)
        named = [ref.key for ref in (rolled.current, rolled.next) if ref is not None]
        keys += [Path(key) for key in named if not is_pkcs11_uri(key)]
        return [*home, admins, *keys, self.tls_key, *sqlite_files(self.database_url)]


class DirectoryService:
    """A directory ready to serve: key loaded, registry open. Close it when done."""

    def __init__(self, settings: DirectorySettings, *, clock: Clock = utc_now) -> None:
        self.settings = settings
        key = DirectoryKey.load(settings.signing_key, settings.signing_certificate)
        try:
            # Client certificates are optional (any member may read the configuration), but verified.
            self._tls = server_context(
                certificate=settings.tls_certificate,
                key=settings.tls_key,
                client_anchors=settings.client_anchors,
                require_client_certificate=False,
            )
        except OSError as exc:  # ssl.SSLError is one
            raise DirectoryKeyError(msg("server-directory-tls-unusable", reason=str(exc))) from exc
        capture_peer_certificates(self._tls)  # POST /v1/statistics needs the node's certificate
        self.registry = DirectoryRegistry.open(settings.database_url, clock=clock)
        self.admins = AdminFile.in_home(settings.home)
        # The home's signing-keys.json (``directory key announce`` / ``switch``) is looked at
        # at each signing: the key rolls over while this serves.
        self.keys = SigningKeys(key, settings.home)
        self.publisher = ConfigurationPublisher(
            self.registry,
            self.keys,
            directory=settings.directory,
            valid_for=settings.valid_for,
            clock=clock,
            timestamp_url=settings.timestamp_url,
        )
        self.app = create_directory_app(
            registry=self.registry,
            publisher=self.publisher,
            admins=self.admins,
            clock=clock,
            certificates=_own_certificates(self.keys, settings.tls_certificate),
        )

    async def serve(
        self, *, on_listening: Callable[[str], None], shutdown: asyncio.Event | None = None
    ) -> None:
        """Bind, tell ``on_listening`` the URL, serve until ``shutdown`` (forever without one)."""
        listening = bind(self.settings.host, self.settings.port)
        on_listening(listening.url)
        await serve_forever(self.app, listening, self._tls, shutdown=shutdown)

    def start(self) -> ServerThread:
        """Serve in a background thread on a free loopback port (tests, embedding)."""
        return serve_in_thread(self.app, self._tls, host=self.settings.host)

    def close(self) -> None:
        self.registry.close()

    def __enter__(self) -> DirectoryService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
