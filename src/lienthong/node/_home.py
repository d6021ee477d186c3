"""A node's home directory: where its settings, database, blobs and keys are found.

    HOME/node.json   {"name": "vpcp",
                      "database": "sqlite:///…"    (default: HOME/node.db),
                      "key": "tls.key.pem", "certificate": "tls.pem", "chain": ["issuing.pem"]}
    HOME/blobs/      the content-addressed blob store

Relative paths are read from HOME. Settings are read once into a frozen value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lienthong._i18n import tr
from lienthong.node._errors import NodeError
from lienthong.store import BlobStore, Database, open_database
from lienthong.trust import KeySigner


@dataclass(frozen=True, slots=True)
class NodeHome:
    home: Path
    name: str
    database_url: str
    key_path: Path
    certificate_path: Path
    chain_paths: tuple[Path, ...] = ()

    @classmethod
    def load(cls, home: str | Path) -> NodeHome:
        root = Path(home)
        try:
            settings = json.loads((root / "node.json").read_text(encoding="utf-8"))
            return cls(
                home=root,
                name=str(settings["name"]),
                database_url=str(settings.get("database") or f"sqlite:///{root / 'node.db'}"),
                key_path=root / settings["key"],
                certificate_path=root / settings["certificate"],
                chain_paths=tuple(root / path for path in settings.get("chain", ())),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NodeError(
                tr(
                    f"{root} không phải thư mục điểm kết nối (node.json): {exc}",
                    f"{root} is not a node home (node.json): {exc}",
                )
            ) from exc

    def open_database(self) -> Database:
        return open_database(self.database_url)

    def blobs(self) -> BlobStore:
        return BlobStore(self.home / "blobs")

    def signer(self) -> KeySigner:
        return KeySigner.load(self.key_path, self.certificate_path, list(self.chain_paths))
