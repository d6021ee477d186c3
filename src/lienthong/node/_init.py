"""``init_home``: a new node home, self-contained: keys and certificates copied in, settings
written, database migrated. Keys come from files or from a network PKI home (a node's TLS
certificate and agency certificates issued there, or issued now when absent).

The home is its owner's only: the directory 0700, every file in it 0600 (keys, the database
and its ``-wal``, settings that may carry a database password), made so as they are created.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lienthong._i18n import msg
from lienthong.directory import ConfigurationAnchor, DirectoryError
from lienthong.errors import LienthongError, message_of
from lienthong.node._errors import NodeError
from lienthong.node._home import FILESYSTEM_BLOBS, POSTGRESQL_BLOBS, SETTINGS, NodeHome, is_postgresql
from lienthong.store import migrate
from lienthong.trust import Pki, is_pkcs11_uri, private_directory, private_files


@dataclass(frozen=True, slots=True)
class KeyFiles:
    """A key and its certificate, as PEM files."""

    key: Path
    certificate: Path


def _copy(source: Path, target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, 0o600)  # copyfile keeps an existing target's mode
    except OSError as exc:
        raise NodeError(
            msg("node-init-copy-failed", path=str(source), reason=exc.strerror or str(exc))
        ) from exc
    return target


def _from_pki(
    pki_home: Path, name: str, agencies: Sequence[str], *, at: datetime
) -> tuple[KeyFiles, list[Path], dict[str, KeyFiles]]:
    pki = Pki(pki_home)
    try:
        try:
            node = pki.issued(name)
        except LienthongError:
            node = pki.issue_node(name, at=at)
        signers: dict[str, KeyFiles] = {}
        for code in agencies:
            try:
                issued = pki.issued(code)
            except LienthongError:
                issued = pki.issue_agency(code, code, at=at)
            signers[code] = KeyFiles(issued.key_path, issued.cert_path)
    except LienthongError:
        raise
    except OSError as exc:
        raise NodeError(msg("node-init-pki-unusable", path=str(pki_home), reason=message_of(exc))) from exc
    return KeyFiles(node.key_path, node.cert_path), [pki.issuing_path], signers


def _seal(home: Path, key: str | None, certificate: Path | None) -> dict[str, Any]:
    if key is None or certificate is None:
        return {}
    return {
        "seal_key": key if is_pkcs11_uri(key) else _copy(Path(key), home / "seal.key.pem"),
        "seal_certificate_path": _copy(certificate, home / "seal.pem"),
    }


def init_home(
    home: Path,
    *,
    name: str,
    anchor: Path,
    at: datetime,
    database_url: str | None = None,
    tls: KeyFiles | None = None,
    chain: Sequence[Path] = (),
    signers: dict[str, KeyFiles] | None = None,
    pki: Path | None = None,
    agencies: Sequence[str] = (),
    configuration: Path | None = None,
    directory_url: str | None = None,
    directory_tls_anchors: Path | None = None,
    seal_key: str | None = None,
    seal_certificate: Path | None = None,
    blobs: str | None = None,
) -> NodeHome:
    """Create ``home`` for node ``name``; refuses a home that already holds a node.

    ``seal_key`` (a PEM file, copied in, or a ``pkcs11:`` URI, kept as written) and
    ``seal_certificate``: the node's seal, apart from its TLS key; the chain is the TLS one.
    ``blobs``: ``filesystem`` or ``postgresql``; by default the database keeps them when it is
    PostgreSQL (the database is then the node's only state besides its keys)."""
    with private_files():  # everything below is created for the owner only
        if (home / SETTINGS).exists():
            raise NodeError(msg("node-init-home-exists", path=str(home)))
        signers = dict(signers or {})
        chain = list(chain)
        if pki is not None:
            tls_files, pki_chain, pki_signers = _from_pki(pki, name, agencies, at=at)
            tls = tls or tls_files
            chain = chain or pki_chain
            signers = {**pki_signers, **signers}
        if tls is None:
            raise NodeError(msg("node-init-tls-missing"))
        if (seal_key is None) != (seal_certificate is None):
            raise NodeError(msg("node-init-seal-incomplete"))
        if configuration is None and directory_url is None:
            raise NodeError(msg("node-init-configuration-missing"))
        try:
            anchor_text = ConfigurationAnchor.load(anchor).to_json()
        except (OSError, ValueError, DirectoryError) as exc:
            raise NodeError(msg("node-init-anchor-unusable", reason=message_of(exc))) from exc
        private_directory(home)
        (home / "anchor.json").write_text(anchor_text, encoding="utf-8")
        database_url = database_url or f"sqlite:///{home.resolve() / 'node.db'}"
        if blobs is None:
            blobs = POSTGRESQL_BLOBS if is_postgresql(database_url) else FILESYSTEM_BLOBS
        settings = NodeHome(
            home=home,
            name=name,
            database_url=database_url,
            blob_backend=blobs,
            key_path=_copy(tls.key, home / "tls.key.pem"),
            certificate_path=_copy(tls.certificate, home / "tls.pem"),
            chain_paths=tuple(_copy(path, home / f"chain-{i}.pem") for i, path in enumerate(chain)),
            signer_paths=tuple(
                (
                    code,
                    _copy(files.key, home / "signers" / f"{code}.key.pem"),
                    _copy(files.certificate, home / "signers" / f"{code}.pem"),
                )
                for code, files in sorted(signers.items())
            ),
            anchor_path=home / "anchor.json",
            configuration_path=(
                _copy(configuration, home / "configuration.json")
                if configuration
                else home / "configuration.json"
            ),
            directory_url=directory_url,
            directory_tls_anchors=(
                _copy(directory_tls_anchors, home / "directory-ca.pem") if directory_tls_anchors else None
            ),
            **_seal(home, seal_key, seal_certificate),
        )
        settings.signer()  # the key and certificate must load together
        settings.agency_signers()
        settings.seal_signer()
        database = settings.open_database()
        try:
            migrate(database)
        finally:
            database.close()
        (home / SETTINGS).write_text(settings.to_json(), encoding="utf-8")
        return NodeHome.load(home)
