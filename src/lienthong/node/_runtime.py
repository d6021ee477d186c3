"""``NodeRuntime``: a node home opened once per process: database, blobs, keys, configuration.

``node()`` is the ``Node`` the protocol functions take, rebuilt (cheaply: keys stay loaded)
whenever the configuration source hands out a newer configuration. The CLI's ``submit`` and
the serving node both start here.
"""

from __future__ import annotations

import dataclasses
import ssl
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from lienthong._i18n import msg
from lienthong.directory import ConfigurationClient, DirectoryError, load_pinned_anchor, pinned_path
from lienthong.edxml import DEFAULT_LIMITS, Limits
from lienthong.errors import message_of
from lienthong.net import client_context
from lienthong.node._backup import RESTORED
from lienthong.node._errors import NodeError
from lienthong.node._home import NodeHome
from lienthong.node._node import Node
from lienthong.node._retry import RetryPolicy
from lienthong.node._source import ConfigurationFile, ConfigurationSource
from lienthong.store import migrate
from lienthong.trust import Signer


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeSettings:
    """What a process may choose beyond the home's own settings (read once)."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: Limits = DEFAULT_LIMITS
    #: A signed configuration file to use instead of the home's (re-read when it changes).
    configuration: Path | None = None
    #: Refresh from the directory in a background thread (serving nodes).
    refresh: bool = False
    #: How often the directory is asked for a newer configuration (``ConfigurationClient``).
    refresh_interval: timedelta = timedelta(minutes=5)


class NodeRuntime:
    """Everything a node process holds. Close it when done."""

    def __init__(self, home: NodeHome, settings: RuntimeSettings | None = None) -> None:
        self.home = home
        self.settings = settings or RuntimeSettings()
        self._lock = threading.Lock()
        self._client: ConfigurationClient | None = None
        #: Signers replaced by ``rekey``, closed with the runtime.
        self._retired: list[Signer] = []
        #: The context presenting the node's TLS certificate to its directory, once one is asked
        #: (a serving node reloads a renewed certificate into it).
        self.directory_tls: ssl.SSLContext | None = None
        self.database = home.open_database()
        try:
            migrate(self.database)
            self.source = self._source()
            #: What seals receipts, log heads and statistics (the TLS key when the home sets no seal).
            self.key = home.seal_signer()
            self.signers = home.agency_signers()
            self._node = Node(
                home.name,
                self.database,
                home.blobs(self.database),
                self.source.configuration(),
                self.key,
                signers=self.signers,
                limits=self.settings.limits,
                retry=self.settings.retry,
                appearance_dir=home.home / "appearance",
                resync_window=timedelta(days=home.resync_window_days),
                restore_marker=home.home / RESTORED,
            )
        except BaseException:
            self.close()
            raise

    def _source(self) -> ConfigurationSource:
        home = self.home
        if home.anchor_path is None:
            raise NodeError(msg("node-home-no-anchor"))
        try:
            # The anchor the node pinned at a key switch wins over the one it was set up with.
            anchor = load_pinned_anchor(home.anchor_path)
        except (OSError, ValueError, DirectoryError) as exc:
            raise NodeError(msg("node-anchor-unreadable", reason=message_of(exc))) from exc
        file = self.settings.configuration
        if file is not None or home.directory_url is None:
            path = file or home.configuration_path
            if path is None:
                raise NodeError(msg("node-no-configuration-source"))
            return ConfigurationFile(path, anchor, pin=pinned_path(home.anchor_path))
        if home.directory_tls_anchors is None:
            raise NodeError(msg("node-home-no-directory-anchors"))
        tls = client_context(
            anchors=home.directory_tls_anchors, certificate=self.fullchain(), key=home.key_path
        )
        self.directory_tls = tls
        client = ConfigurationClient(
            anchor,
            cache=home.configuration_path or home.home / "configuration.json",
            tls=tls,
            url=home.directory_url,
            pin=pinned_path(home.anchor_path),
            interval=self.settings.refresh_interval,
        )
        self._client = client
        if client.current is None:
            client.refresh()
        if self.settings.refresh:
            client.start()
        return client

    def run_directory(self) -> Path:
        """HOME/run: files derived at start (TLS chains), rewritten by each process."""
        path = self.home.home / "run"
        path.mkdir(exist_ok=True)
        return path

    def fullchain(self) -> Path:
        """The node's TLS certificate followed by its chain, one PEM file."""
        path = self.run_directory() / "fullchain.pem"
        parts = [self.home.certificate_path.read_bytes(), *(p.read_bytes() for p in self.home.chain_paths)]
        path.write_bytes(b"".join(part if part.endswith(b"\n") else part + b"\n" for part in parts))
        return path

    def anchors_file(self) -> Path:
        """The network's trust anchors from the configuration in use, one PEM file."""
        path = self.run_directory() / "anchors.pem"
        anchors = self.source.configuration().content.anchors
        if not anchors:
            raise NodeError(msg("node-configuration-no-anchors"))
        path.write_text("".join(a.certificate_pem.rstrip("\n") + "\n" for a in anchors), encoding="ascii")
        return path

    def node(self) -> Node:
        """The node with the configuration in use now."""
        configuration = self.source.configuration()
        node = self._node
        if configuration is node.configuration:
            return node  # the usual case, asked for on every request: no lock
        with self._lock:
            if configuration is not self._node.configuration:
                self._node = dataclasses.replace(self._node, configuration=configuration)
            return self._node

    def rekey(self) -> Node:
        """Take the seal and the agency signers again from the home as it is on disk now (a
        renewed certificate, a new key, ``node.json`` pointing elsewhere): what is signed from
        then on is signed with them. Raises (``NodeError``, ``TrustError``, ``OSError``) and
        keeps the ones in use when one does not load.

        The signers replaced stay open until the runtime closes: a document being signed as
        they are replaced finishes with them (a token session closed under it would fail it).
        """
        home = NodeHome.load(self.home.home)
        key = home.seal_signer()
        try:
            signers = home.agency_signers()
        except BaseException:
            key.close()
            raise
        with self._lock:
            self._retired.extend([self.key, *self.signers.values()])
            self.home, self.key, self.signers = home, key, signers
            self._node = dataclasses.replace(self._node, key=key, signers=signers)
            return self._node

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.database.close()
        # A token key holds a session until closed; a file key's close does nothing.
        keys = [getattr(self, "key", None), *getattr(self, "signers", {}).values(), *self._retired]
        for signer in keys:
            if signer is not None:
                signer.close()

    def __enter__(self) -> NodeRuntime:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
