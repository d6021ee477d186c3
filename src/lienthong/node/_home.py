"""A node's home directory: where its settings, database, blobs and keys are found.

    HOME/node.json   {"name": "vpcp",
                      "database": "sqlite:///…"    (default: HOME/node.db),
                      "key": "tls.key.pem", "certificate": "tls.pem", "chain": ["issuing.pem"],
                      "seal": {"key": "seal.key.pem" or "pkcs11:token=…;object=…",
                               "certificate": "seal.pem", "chain": ["issuing.pem"]},
                                        (optional: what signs receipts, log heads and
                                         statistics; without it the TLS key does)
                      "signers": {"000.00.00.G22": {"key": "…", "certificate": "…"}},
                      "anchor": "anchor.json",          the directory's configuration anchor
                      "configuration": "configuration.json",
                      "directory": "https://…",         (optional: refresh from the directory)
                      "directory_tls_anchors": "directory-ca.pem",
                      "console_login": {"user_failures": 5, …},   (optional: the console's
                                                                 lockouts, see LoginPolicy)
                      "resync_window_days": 30,   (optional: how long delivered packages are
                                                   kept ready for a peer restored from a backup)
                      "blobs": "filesystem" | "postgresql"}  where packages and attachments
                                        are kept (absent: filesystem); postgresql needs a
                                        PostgreSQL database, whose chunk table then holds them
    HOME/blobs/      the content-addressed blob store ("blobs": "filesystem")
    HOME/spool/      files on their way into the database ("blobs": "postgresql"): scratch only
    HOME/appearance/<code>/   an agency's visible-signature settings and images (Decree 30),
                              set in the console by its administrator (0600 files, 0700 folders)
    HOME/console-users.json   the console's users (``lienthong node users``)

Relative paths are read from HOME. Settings are read once into a frozen value. Without a
``directory``, ``configuration`` is a signed configuration file the node re-reads when it
changes; with one, it is the cache the ``ConfigurationClient`` keeps.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lienthong._i18n import msg
from lienthong.node._errors import NodeError
from lienthong.store import BlobStorage, BlobStore, Database, DatabaseBlobStore, open_database, sqlite_files
from lienthong.trust import Signer, check_private, is_pkcs11_uri, load_signer

#: The settings file in a node's home.
SETTINGS = "node.json"
#: Days delivered packages and receipts stay ready to be sent again to a restored peer.
DEFAULT_RESYNC_WINDOW_DAYS = 30

#: Where a node may keep its blobs (``node.json`` ``"blobs"``).
FILESYSTEM_BLOBS = "filesystem"
POSTGRESQL_BLOBS = "postgresql"
BLOB_BACKENDS = (FILESYSTEM_BLOBS, POSTGRESQL_BLOBS)


@dataclass(frozen=True, slots=True)
class NodeHome:
    home: Path
    name: str
    database_url: str
    key_path: Path
    certificate_path: Path
    chain_paths: tuple[Path, ...] = ()
    #: Agency code → (key, certificate): signs packages submitted unsigned. A key is a PEM
    #: file's path or a ``pkcs11:`` URI naming a key in a token (kept as written).
    signer_paths: tuple[tuple[str, Path | str, Path], ...] = ()
    anchor_path: Path | None = None
    configuration_path: Path | None = None
    directory_url: str | None = None
    directory_tls_anchors: Path | None = None
    #: The console's login throttling settings, as written (the console reads them).
    console_login: Mapping[str, object] = field(default_factory=dict)
    #: The seal key: a PEM path (absolute, resolved from HOME) or a ``pkcs11:`` URI; None: the
    #: TLS key seals. Python's ``ssl`` cannot use a token key, so only the seal may live in one.
    seal_key: Path | str | None = None
    seal_certificate_path: Path | None = None
    seal_chain_paths: tuple[Path, ...] = ()
    #: How long delivered packages stay ready for a peer's resync (``DEFAULT_RESYNC_WINDOW_DAYS``).
    resync_window_days: int = DEFAULT_RESYNC_WINDOW_DAYS
    #: Where blobs are kept: ``filesystem`` (HOME/blobs) or ``postgresql`` (the database).
    blob_backend: str = FILESYSTEM_BLOBS

    def __post_init__(self) -> None:
        if self.blob_backend not in BLOB_BACKENDS:
            raise NodeError(msg("node-blobs-backend-unknown", backend=self.blob_backend))
        if self.blob_backend == POSTGRESQL_BLOBS and not is_postgresql(self.database_url):
            raise NodeError(msg("node-blobs-need-postgresql"))

    @classmethod
    def load(cls, home: str | Path) -> NodeHome:
        root = Path(home)
        try:
            settings = json.loads((root / SETTINGS).read_text(encoding="utf-8"))
            signers = settings.get("signers") or {}
            return cls(
                home=root,
                name=str(settings["name"]),
                database_url=str(settings.get("database") or f"sqlite:///{root / 'node.db'}"),
                key_path=root / settings["key"],
                certificate_path=root / settings["certificate"],
                chain_paths=tuple(root / path for path in settings.get("chain", ())),
                signer_paths=tuple(
                    (str(code), _key(root, entry["key"]), root / entry["certificate"])
                    for code, entry in sorted(signers.items())
                ),
                anchor_path=_optional(root, settings.get("anchor")),
                configuration_path=_optional(root, settings.get("configuration")),
                directory_url=settings.get("directory") or None,
                directory_tls_anchors=_optional(root, settings.get("directory_tls_anchors")),
                console_login=dict(settings.get("console_login") or {}),
                resync_window_days=int(settings.get("resync_window_days", DEFAULT_RESYNC_WINDOW_DAYS)),
                blob_backend=str(settings.get("blobs") or FILESYSTEM_BLOBS),
                **_seal(root, settings.get("seal")),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NodeError(msg("node-home-invalid", path=str(root), reason=str(exc))) from exc

    def to_json(self) -> str:
        """The settings file's text (paths relative to HOME where they lie inside it)."""
        document: dict[str, Any] = {
            "name": self.name,
            "database": self.database_url,
            "key": self._relative(self.key_path),
            "certificate": self._relative(self.certificate_path),
            "chain": [self._relative(path) for path in self.chain_paths],
            "signers": {
                code: {
                    "key": self._relative(key) if isinstance(key, Path) else key,
                    "certificate": self._relative(cert),
                }
                for code, key, cert in self.signer_paths
            },
            "anchor": self._relative(self.anchor_path) if self.anchor_path else None,
            "configuration": self._relative(self.configuration_path) if self.configuration_path else None,
            "directory": self.directory_url,
            "directory_tls_anchors": (
                self._relative(self.directory_tls_anchors) if self.directory_tls_anchors else None
            ),
        }
        if self.console_login:
            document["console_login"] = dict(self.console_login)
        if self.resync_window_days != DEFAULT_RESYNC_WINDOW_DAYS:
            document["resync_window_days"] = self.resync_window_days
        document["blobs"] = self.blob_backend
        if self.seal_key is not None and self.seal_certificate_path is not None:
            document["seal"] = {
                "key": self._relative(self.seal_key) if isinstance(self.seal_key, Path) else self.seal_key,
                "certificate": self._relative(self.seal_certificate_path),
                "chain": [self._relative(path) for path in self.seal_chain_paths],
            }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.home))
        except ValueError:
            return str(path.resolve())

    def secret_paths(self) -> list[Path]:
        """What only the node's owner may read: the home, its settings (a database URL may carry
        a password), the SQLite database with its log (API and webhook secrets), the keys."""
        keys = [self.key_path, *(key for _code, key, _cert in self.signer_paths if isinstance(key, Path))]
        if isinstance(self.seal_key, Path):
            keys.append(self.seal_key)
        return [self.home, self.home / SETTINGS, *sqlite_files(self.database_url), *keys]

    def check_modes(self) -> None:
        """Refuse (``InsecureFileMode``) a home where group or others may use a secret."""
        check_private(self.secret_paths())

    def open_database(self) -> Database:
        return open_database(self.database_url)

    def blobs(self, database: Database) -> BlobStorage:
        """The node's blob store (``database`` is the node's own, open: the PostgreSQL store
        keeps its blobs there)."""
        return self.blob_store(self.blob_backend, database)

    def blob_store(self, backend: str, database: Database) -> BlobStorage:
        """The blob store of ``backend`` for this home, whichever the node uses now (``node
        blobs migrate`` moves blobs between the two)."""
        if backend == POSTGRESQL_BLOBS:
            return DatabaseBlobStore(database, self.home / "spool")
        return BlobStore(self.home / "blobs")

    def signer(self) -> Signer:
        # The node's key is also its TLS key, which stays a file: Python's ssl cannot use a token.
        return load_signer(self.key_path, self.certificate_path, list(self.chain_paths))

    def seal_signer(self) -> Signer:
        """What seals receipts, log heads and statistics: the seal key (a file or a token key), or
        the TLS key without one."""
        if self.seal_key is None or self.seal_certificate_path is None:
            return self.signer()
        chain = list(self.seal_chain_paths or self.chain_paths)
        return load_signer(self.seal_key, self.seal_certificate_path, chain)

    def signing_files(self) -> list[Path]:
        """The files the seal and the agency signers are read from, ``node.json`` first (a token
        key has no file: its certificate file stands for it)."""
        files = [self.home / SETTINGS]
        if self.seal_certificate_path is not None:
            keys = [self.seal_key] if isinstance(self.seal_key, Path) else []
            files += [*keys, self.seal_certificate_path, *self.seal_chain_paths]
        for _code, key, certificate in self.signer_paths:
            files += [*([key] if isinstance(key, Path) else []), certificate]
        # Without a seal key of its own the TLS key seals; the chain goes with every signer.
        tls = [self.key_path, self.certificate_path] if self.seal_key is None else []
        return [*files, *tls, *self.chain_paths]

    def agency_signers(self) -> dict[str, Signer]:
        """Agency code → its signer (a file key or a token key), each key loaded once."""
        return {code: load_signer(key, cert, list(self.chain_paths)) for code, key, cert in self.signer_paths}


def is_postgresql(database_url: str) -> bool:
    return database_url.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}


def _key(root: Path, value: object) -> Path | str:
    """A key as ``node.json`` names it: a ``pkcs11:`` URI as written, else a path under HOME."""
    text = str(value)
    return text if is_pkcs11_uri(text) else root / text


def _seal(root: Path, value: Any) -> dict[str, Any]:
    """NodeHome's seal fields from the settings' ``seal`` object (absent: none)."""
    if not value:
        return {}
    return {
        "seal_key": _key(root, value["key"]),
        "seal_certificate_path": root / str(value["certificate"]),
        "seal_chain_paths": tuple(root / str(path) for path in value.get("chain", ())),
    }


def _optional(root: Path, value: object) -> Path | None:
    return root / str(value) if value else None
